import Foundation

func benchP1() throws {
    print("p1: no benchmark yet")
}
