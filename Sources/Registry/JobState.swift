/// Life-cycle state of a job. The one definition of the job state machine:
///
///     queued  → running               (claimed by a scheduler; attempts + 1)
///     queued  → cancelled
///     running → succeeded | failed | cancelled
///     running → queued                (lease expired or retry requested; attempts unchanged)
///
/// Every other pair, including staying in the same state, is illegal. `succeeded`, `failed` and
/// `cancelled` are final.
public enum JobState: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case queued, running, succeeded, failed, cancelled

    /// True for the final states `succeeded`, `failed`, `cancelled`.
    public var isTerminal: Bool {
        switch self {
        case .queued, .running: return false
        case .succeeded, .failed, .cancelled: return true
        }
    }

    /// Whether the state machine allows going from `self` to `next`.
    public func canTransition(to next: JobState) -> Bool {
        switch (self, next) {
        case (.queued, .running), (.queued, .cancelled),
             (.running, .succeeded), (.running, .failed), (.running, .cancelled), (.running, .queued):
            return true
        default:
            return false
        }
    }

    public var description: String { rawValue }
}
