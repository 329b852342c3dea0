/// A value handed from one thread to another that alone uses it from then on (the sender keeps
/// no use of it). Dispatch and Thread take @Sendable closures and cannot see such a hand-over,
/// hence unchecked: use it for a real hand-over only.
public struct HandOver<Value>: @unchecked Sendable {
    public let value: Value
    public init(_ value: Value) { self.value = value }
}
