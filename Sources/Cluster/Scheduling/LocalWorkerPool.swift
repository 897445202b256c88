/// A worker pool inside the coordinator's process (a world of one rank, and in-process tests).
///
/// It has `slots` virtual workers (ids 0..<slots, all on rank 0); tasks are executed when `nextReply()` asks for a reply, in dispatch order or,
/// with `completion: .newestFirst`, newest first — so tests can check that results are merged in task order
/// whatever order they arrive in. Messages are encoded and decoded exactly as over MPI.
public final class LocalWorkerPool: WorkerPool {
    /// The order in which dispatched tasks complete.
    public enum Completion: Sendable { case dispatchOrder, newestFirst }

    private let executor: TaskExecutor
    private let slots: Int
    private let completion: Completion
    private var pending: [(worker: Int, message: [UInt8])] = []
    private var idle: [Int]

    /// A pool of `slots` virtual workers running the kinds of `catalog`.
    public init(catalog: KindCatalog, slots: Int = 1, completion: Completion = .dispatchOrder) {
        precondition(slots >= 1, "a worker pool needs at least one slot")
        self.executor = TaskExecutor(catalog: catalog, rank: 0)
        self.slots = slots
        self.completion = completion
        self.idle = Array((0..<slots).reversed())
    }

    public var workerCount: Int { slots }
    public var idleCount: Int { idle.count }
    public var worldSize: Int { 1 }

    public func dispatch(_ message: [UInt8]) -> Int {
        guard let worker = idle.popLast() else { MPIEnvironment.fatal("dispatch to a full local pool") }
        pending.append((worker, message))
        return worker
    }

    public func nextReply() -> (worker: Int, rank: Int, message: [UInt8])? {
        guard !pending.isEmpty else { return nil }
        let task = completion == .dispatchOrder ? pending.removeFirst() : pending.removeLast()
        idle.append(task.worker)
        do {
            return (task.worker, 0, try executor.reply(to: task.message).encoded())
        } catch {
            MPIEnvironment.fatal("the coordinator produced an undecodable task message: \(error)")
        }
    }

    public func shutdown() {
        idle += pending.map(\.worker)
        pending.removeAll()
    }
}
