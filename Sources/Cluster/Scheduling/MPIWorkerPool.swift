/// Ranks 1…N-1 of an MPI world as workers of the coordinator on rank 0.
///
/// A rank may hold several tasks at once (prefetch): its next task is already queued in MPI when it sends a
/// result, so it does not idle for a coordinator round trip. How many depends on how long its tasks take: each
/// rank's service time per task (reply time minus the later of dispatch and its previous reply) is averaged, and
/// a rank whose tasks take under `shortTask` may hold `maxTasksPerRank`, any other rank 2 — so short tasks stream
/// at a high rate while long tasks stay dynamically balanced (a slow rank holds at most one task in reserve).
/// Tasks go out with `isend` (the coordinator never blocks on a slow worker); replies are found with one `iprobe`
/// for any tag from any rank, and each rank's replies arrive in the order of its tasks (MPI's non-overtaking rule).
/// A worker id is a dispatch ticket, unique among the tasks out.
public final class MPIWorkerPool: WorkerPool {
    private struct Sent {
        let ticket: Int
        let send: PendingSend
        let time: ContinuousClock.Instant
    }

    private let communicator: Communicator
    private let maxTasksPerRank: Int
    private let clock = ContinuousClock()
    /// Per worker rank (index rank - 1): tasks out, oldest first; mean service time; time of the last reply.
    private var inFlight: [[Sent]]
    private var serviceSeconds: [Double?]
    private var lastReply: [ContinuousClock.Instant?]
    private var nextTicket = 0

    /// Mean service time under which a rank counts as running short tasks.
    public static let shortTask = Duration.microseconds(500)

    /// The workers of `communicator` (which must be rank 0 of at least 2 ranks); a rank of short tasks holds up
    /// to `maxTasksPerRank` (2…64) of them. Collective over `communicator`: it makes rank 0's call of the split
    /// that creates the workers' communicator for collective phases (each `WorkerLoop.run` makes the others).
    public init(communicator: Communicator, maxTasksPerRank: Int = 8) {
        precondition(communicator.rank == 0 && communicator.size >= 2, "MPIWorkerPool runs on rank 0 of a world of 2 or more ranks")
        precondition((2...64).contains(maxTasksPerRank), "maxTasksPerRank must be between 2 and 64")
        self.communicator = communicator
        self.maxTasksPerRank = maxTasksPerRank
        // Rank 0's side of the collective split that every WorkerLoop makes at start-up; rank 0 is no member.
        _ = communicator.workerGroupCommunicator()
        workersShareFiles = communicator.allRanksOnNodeOfRankZero()
        let workers = communicator.size - 1
        inFlight = Array(repeating: [], count: workers)
        serviceSeconds = Array(repeating: nil, count: workers)
        lastReply = Array(repeating: nil, count: workers)
    }

    public var workerCount: Int { communicator.size - 1 }
    /// True when every worker runs on the coordinator's node (same processor name), taken to mean that it can open
    /// the data directory's files; a worker that cannot (another mount namespace) fails its tasks with the file's error.
    public let workersShareFiles: Bool
    public var idleCount: Int { inFlight.indices.reduce(0) { $0 + max(0, limit($1) - inFlight[$1].count) } }
    public var worldSize: Int { communicator.size }

    /// Tasks rank `index + 1` may hold now.
    private func limit(_ index: Int) -> Int {
        guard let seconds = serviceSeconds[index] else { return 2 }
        return seconds < Self.shortTask.seconds ? maxTasksPerRank : 2
    }

    public var nextDispatchRank: Int { nextIndex() + 1 }

    /// The worker index of the rank with the fewest tasks out among those with room (lowest rank first on ties).
    private func nextIndex() -> Int {
        guard let index = inFlight.indices.filter({ inFlight[$0].count < limit($0) }).min(by: { inFlight[$0].count < inFlight[$1].count }) else {
            MPIEnvironment.fatal("dispatch with no idle worker")
        }
        return index
    }

    public func dispatch(_ message: [UInt8]) -> Int {
        let index = nextIndex()
        let ticket = nextTicket
        nextTicket += 1
        inFlight[index].append(Sent(ticket: ticket, send: communicator.isend(message, to: index + 1, tag: MessageTag.task.rawValue),
                                    time: clock.now))
        return ticket
    }

    public func dispatchCollective(_ messages: [[UInt8]]) -> [Int] {
        guard messages.count == workerCount, inFlight.allSatisfy(\.isEmpty) else {
            MPIEnvironment.fatal("collective dispatch of \(messages.count) tasks to \(workerCount) workers, \(inFlight.map(\.count).reduce(0, +)) tasks out")
        }
        return messages.enumerated().map { member, message in
            let ticket = nextTicket
            nextTicket += 1
            inFlight[member].append(Sent(ticket: ticket, send: communicator.isend(message, to: member + 1, tag: MessageTag.task.rawValue),
                                         time: clock.now))
            return ticket
        }
    }

    public func nextReply() -> (worker: Int, rank: Int, message: [UInt8])? {
        guard let probed = communicator.iprobe(from: Communicator.anySource, tag: Communicator.anyTag) else { return nil }
        guard [MessageTag.result, .failure, .miss].map(\.rawValue).contains(probed.tag) else {
            MPIEnvironment.fatal("rank \(probed.source) sent a message with tag \(probed.tag) to the coordinator")
        }
        let received = communicator.recv(UInt8.self, from: probed.source, tag: probed.tag)
        let index = received.source - 1
        guard inFlight.indices.contains(index), let oldest = inFlight[index].first else {
            MPIEnvironment.fatal("rank \(received.source) replied without a task")
        }
        inFlight[index].removeFirst()
        let now = clock.now
        let started = max(oldest.time, lastReply[index] ?? oldest.time)
        let service = (now - started).seconds
        serviceSeconds[index] = serviceSeconds[index].map { 0.8 * $0 + 0.2 * service } ?? service
        lastReply[index] = now
        return (oldest.ticket, received.source, received.values)
    }

    public func shutdown() {
        let bytes = ClusterMessage.shutdown.encoded()
        let pending = (1..<communicator.size).map { communicator.isend(bytes, to: $0, tag: MessageTag.shutdown.rawValue) }
        for send in pending { send.wait() }
        inFlight = inFlight.map { _ in [] }
    }
}
