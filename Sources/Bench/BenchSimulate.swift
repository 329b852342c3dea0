import Foundation

func benchSimulate() throws {
    print("simulate: no benchmark yet")
}
