/// Errors of the scheduler that end one job (not the world).
public enum SchedulerError: Error, Equatable, CustomStringConvertible {
    /// No plugin for this job kind in this build.
    case kindNotImplemented(String)
    /// A task of the job threw on some rank.
    case taskFailed(task: String, rank: Int, message: String)
    /// The job's case is unknown or its file is missing.
    case caseUnavailable(String)
    /// A collective task reached a kind that has no collective phases.
    case collectiveUnsupported(String)
    /// A job asked for a collective phase the coordinator cannot run (e.g. not one task per member).
    case invalidCollective(String)

    public var description: String {
        switch self {
        case .kindNotImplemented(let kind): return "job kind '\(kind)' is not implemented by this build"
        case .taskFailed(let task, let rank, let message): return "\(task) failed on rank \(rank): \(message)"
        case .caseUnavailable(let reason): return reason
        case .collectiveUnsupported(let kind): return "job kind '\(kind)' has no collective phases"
        case .invalidCollective(let reason): return reason
        }
    }
}
