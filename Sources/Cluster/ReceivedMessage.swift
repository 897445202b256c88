/// A message taken by `Communicator.recv`: its elements and where it came from.
public struct ReceivedMessage<Element: MPIScalar>: Sendable {
    /// The elements, as many as were sent.
    public let values: [Element]
    /// The sender's rank.
    public let source: Int
    /// The tag the message was sent with.
    public let tag: Int
}
