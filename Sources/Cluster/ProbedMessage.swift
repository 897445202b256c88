/// A pending message seen by `Communicator.probe`/`iprobe`, still waiting to be received.
public struct ProbedMessage: Sendable, Equatable {
    /// The sender's rank.
    public let source: Int
    /// The message's tag.
    public let tag: Int
    /// The message's size in bytes.
    public let byteCount: Int

    /// The number of `Element`s the message holds, or nil when `byteCount` is not a whole number of them.
    public func count<Element: MPIScalar>(of type: Element.Type) -> Int? {
        let stride = MemoryLayout<Element>.stride
        return byteCount % stride == 0 ? byteCount / stride : nil
    }
}
