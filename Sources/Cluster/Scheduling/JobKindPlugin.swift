/// A kind of job the scheduler can run (`segment`, a test kind...), as two halves:
///
/// - on the coordinator, `start(_:)` creates a `JobRun` that yields the tasks of each phase and, once all results
///   of a phase are in (handed over in task order), the next phase or the finished result;
/// - on any rank, `execute(phase:input:)` runs one task from the data in its message alone (workers keep no state
///   between tasks), so a task may run anywhere and the merged result does not depend on where it ran.
public protocol JobKindPlugin: Sendable {
    /// The registry's kind name, e.g. "segment".
    var name: String { get }
    /// Coordinator side: starts a run of `job` (reads the case, parses the spec); throws on invalid input.
    func start(_ job: JobContext) throws -> any JobRun
    /// Worker side: runs one task of `phase`. Pure: the result depends on `input` only. Throws on bad input.
    func execute(phase: Int, input: TaskPayload) throws -> TaskPayload
    /// Worker side: runs member `group.member`'s task of a collective phase (``JobStep/collective(_:)``), which
    /// may combine values with the other members through `group`. The default throws: kinds without collective
    /// phases need not implement it.
    func executeCollective(phase: Int, input: TaskPayload, group: any WorkerGroup) throws -> TaskPayload
}

extension JobKindPlugin {
    public func executeCollective(phase: Int, input: TaskPayload, group: any WorkerGroup) throws -> TaskPayload {
        throw SchedulerError.collectiveUnsupported(name)
    }
}

/// The coordinator-side state of one running job: a sequence of phases of independent tasks.
public protocol JobRun: AnyObject {
    /// The first phase (or an immediate result).
    func firstStep() throws -> JobStep
    /// Called with every result of the phase just completed, in task order; returns the next phase or the result.
    func nextStep(after results: [TaskPayload]) throws -> JobStep
}

/// What a job run asks the coordinator to do next.
public enum JobStep {
    /// Run these tasks (the phase's task order is the array order); an empty phase completes at once.
    case tasks([TaskPayload])
    /// A collective phase: the closure gets the number of workers and returns one task per worker (task i runs
    /// as member i). All tasks start together once every worker is idle, run ``JobKindPlugin/executeCollective(phase:input:group:)``
    /// and may call collectives; the phase completes when every member replied.
    case collective((_ members: Int) throws -> [TaskPayload])
    /// The job is done: write this result (the coordinator adds provenance and timings).
    case finished(JobOutcome)
}
