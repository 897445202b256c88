import Foundation

/// A worker pool inside the coordinator's process (a world of one rank, and in-process tests).
///
/// It has `slots` virtual workers (ids 0..<slots, all on rank 0); tasks are executed when `nextReply()` asks for a reply, in dispatch order or,
/// with `completion: .newestFirst`, newest first — so tests can check that results are merged in task order
/// whatever order they arrive in. The tasks of a collective phase run on `slots` threads at once, one per
/// member, exchanging their rounds through shared memory (``LocalCollectiveHub``); their replies then come in
/// member order (reversed with `.newestFirst`). Messages are encoded and decoded exactly as over MPI.
public final class LocalWorkerPool: WorkerPool {
    /// The workers are threads of the coordinator's process.
    public var workersShareFiles: Bool { true }
    /// The order in which dispatched tasks complete.
    public enum Completion: Sendable { case dispatchOrder, newestFirst }

    private let executor: TaskExecutor
    private let slots: Int
    private let completion: Completion
    private var pending: [(worker: Int, message: [UInt8])] = []
    /// The tasks of a dispatched collective phase, in member order (worker id = member), not yet run.
    private var gang: [[UInt8]] = []
    /// Replies of a collective phase that ran, in delivery order.
    private var gangReplies: [(worker: Int, message: [UInt8])] = []
    private var idle: [Int]

    /// A pool of `slots` virtual workers running the kinds of `catalog`, sharing one cache of shared task fields.
    public init(catalog: KindCatalog, slots: Int = 1, completion: Completion = .dispatchOrder, cache: PayloadCache = PayloadCache()) {
        precondition(slots >= 1, "a worker pool needs at least one slot")
        self.executor = TaskExecutor(catalog: catalog, rank: 0, cache: cache)
        self.slots = slots
        self.completion = completion
        self.idle = Array((0..<slots).reversed())
    }

    public var workerCount: Int { slots }
    public var idleCount: Int { idle.count }
    public var worldSize: Int { 1 }
    /// Every slot runs on rank 0 and shares its cache.
    public var nextDispatchRank: Int { 0 }

    public func dispatch(_ message: [UInt8]) -> Int {
        guard let worker = idle.popLast() else { MPIEnvironment.fatal("dispatch to a full local pool") }
        pending.append((worker, message))
        return worker
    }

    public func dispatchCollective(_ messages: [[UInt8]]) -> [Int] {
        guard messages.count == slots, idle.count == slots else {
            MPIEnvironment.fatal("collective dispatch of \(messages.count) tasks to \(slots) slots, \(idle.count) idle")
        }
        idle.removeAll()
        gang = messages
        return Array(messages.indices)
    }

    public func nextReply() -> (worker: Int, rank: Int, message: [UInt8])? {
        if !gang.isEmpty { runGang() }
        if !gangReplies.isEmpty {
            let reply = gangReplies.removeFirst()
            idle.append(reply.worker)
            return (reply.worker, 0, reply.message)
        }
        guard !pending.isEmpty else { return nil }
        let task = completion == .dispatchOrder ? pending.removeFirst() : pending.removeLast()
        idle.append(task.worker)
        do {
            return (task.worker, 0, try executor.reply(to: task.message).encoded())
        } catch {
            MPIEnvironment.fatal("the coordinator produced an undecodable task message: \(error)")
        }
    }

    /// Runs the collective phase's tasks on one thread per member and keeps their replies.
    private func runGang() {
        let messages = gang
        gang = []
        let hub = LocalCollectiveHub(size: messages.count)
        let replies = ReplySlots(count: messages.count)
        let finished = DispatchGroup()
        let executor = self.executor
        for member in messages.indices {
            finished.enter()
            let thread = Thread {
                replies.set(member, Self.runCollective(messages[member], member: hub.member(member), executor: executor))
                finished.leave()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        finished.wait()
        let ordered = replies.values.enumerated().map { (worker: $0.offset, message: $0.element) }
        gangReplies = completion == .dispatchOrder ? ordered : ordered.reversed()
    }

    private static func runCollective(_ message: [UInt8], member: CollectiveMember, executor: TaskExecutor) -> [UInt8] {
        do {
            guard case .task(let address, let kind, let input) = try ClusterMessage.decode(message) else {
                throw WireError.malformed("expected a task message")
            }
            return executor.runCollective(address: address, kind: kind, input: input, member: member).encoded()
        } catch {
            MPIEnvironment.fatal("the coordinator produced an undecodable collective task message: \(error)")
        }
    }

    public func shutdown() {
        idle += pending.map(\.worker)
        pending.removeAll()
    }
}

/// The replies of a collective phase's threads, one slot per member.
private final class ReplySlots: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [[UInt8]]

    init(count: Int) { slots = Array(repeating: [], count: count) }

    func set(_ member: Int, _ reply: [UInt8]) { lock.withLock { slots[member] = reply } }

    var values: [[UInt8]] { lock.withLock { slots } }
}
