import Foundation

func benchControl() throws {
    print("control: no benchmark yet")
}
