/// What an audit-log event records. State changes carry the kind of their target state.
public enum EventKind: String, Sendable, Hashable, CaseIterable {
    case caseAdded = "case.added"
    case jobSubmitted = "job.submitted"
    /// queued → running.
    case jobClaimed = "job.claimed"
    /// running → queued (lease expiry or retry).
    case jobRequeued = "job.requeued"
    case jobSucceeded = "job.succeeded"
    case jobFailed = "job.failed"
    case jobCancelled = "job.cancelled"
    /// Free-form note appended by a caller (e.g. the coordinator's task timings).
    case note = "note"

    /// The event kind recorded when a job enters `state`.
    static func entering(_ state: JobState) -> EventKind {
        switch state {
        case .queued: return .jobRequeued
        case .running: return .jobClaimed
        case .succeeded: return .jobSucceeded
        case .failed: return .jobFailed
        case .cancelled: return .jobCancelled
        }
    }
}
