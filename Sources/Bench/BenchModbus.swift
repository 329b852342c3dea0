import Foundation

func benchModbus() throws {
    print("modbus: no benchmark yet")
}
