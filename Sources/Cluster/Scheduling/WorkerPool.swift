/// Where the coordinator sends tasks: idle workers that take one encoded task each and give back one encoded
/// reply. `MPIWorkerPool` uses ranks 1…N-1; `LocalWorkerPool` runs tasks in the coordinator's own process.
public protocol WorkerPool: AnyObject {
    /// Number of workers (the parallelism available).
    var workerCount: Int { get }
    /// Number of workers without a task.
    var idleCount: Int { get }
    /// Number of ranks in the world (for provenance).
    var worldSize: Int { get }
    /// True when every worker can open the files of the coordinator's data directory (same process or node), so
    /// tasks may name a case file instead of carrying its data.
    var workersShareFiles: Bool { get }
    /// The rank that the next `dispatch` sends to (where that task's shared fields must be cached). Requires
    /// `idleCount > 0`; unchanged until the next `dispatch`.
    var nextDispatchRank: Int { get }
    /// Gives `message` (an encoded task) to an idle worker and returns that worker's id. Requires `idleCount > 0`.
    func dispatch(_ message: [UInt8]) -> Int
    /// Gives the tasks of a collective phase to all workers at once, `messages[i]` to member i, and returns their
    /// worker ids in member order. Requires every worker idle and one message per worker.
    func dispatchCollective(_ messages: [[UInt8]]) -> [Int]
    /// A reply from a busy worker if one is ready (that worker becomes idle), without waiting: the worker's id,
    /// the rank that ran the task and the encoded reply.
    func nextReply() -> (worker: Int, rank: Int, message: [UInt8])?
    /// Ends every worker; call once, when all are idle.
    func shutdown()
}
