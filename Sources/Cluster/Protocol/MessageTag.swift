/// The MPI tags of the scheduler protocol, one per message type (documented in Protocol.md).
public enum MessageTag: Int, Sendable, CaseIterable {
    /// Coordinator → worker: a task.
    case task = 101
    /// Worker → coordinator: a task result.
    case result = 102
    /// Worker → coordinator: a task failed.
    case failure = 103
    /// Coordinator → worker: stop.
    case shutdown = 104
    /// Worker → coordinator: a task referenced shared fields the worker does not hold.
    case miss = 105
}
