/// Ranks 1…N-1 of an MPI world as workers of the coordinator on rank 0 (a worker's id is its rank).
///
/// Tasks go out with `isend` (the coordinator never blocks on a slow worker); replies are found with `iprobe`
/// on the result and failure tags from any rank, so whichever worker finishes first is served first.
public final class MPIWorkerPool: WorkerPool {
    private let communicator: Communicator
    private var idle: [Int]
    private var sends: [Int: PendingSend] = [:]

    /// The workers of `communicator` (which must be rank 0 of at least 2 ranks).
    public init(communicator: Communicator) {
        precondition(communicator.rank == 0 && communicator.size >= 2, "MPIWorkerPool runs on rank 0 of a world of 2 or more ranks")
        self.communicator = communicator
        self.idle = Array((1..<communicator.size).reversed())
    }

    public var workerCount: Int { communicator.size - 1 }
    public var idleCount: Int { idle.count }
    public var worldSize: Int { communicator.size }

    public func dispatch(_ message: [UInt8]) -> Int {
        guard let rank = idle.popLast() else { MPIEnvironment.fatal("dispatch with no idle worker") }
        sends[rank] = communicator.isend(message, to: rank, tag: MessageTag.task.rawValue)
        return rank
    }

    public func nextReply() -> (worker: Int, rank: Int, message: [UInt8])? {
        for tag in [MessageTag.result, .failure] {
            guard let probed = communicator.iprobe(from: Communicator.anySource, tag: tag.rawValue) else { continue }
            let received = communicator.recv(UInt8.self, from: probed.source, tag: probed.tag)
            sends[received.source] = nil
            idle.append(received.source)
            return (received.source, received.source, received.values)
        }
        return nil
    }

    public func shutdown() {
        let bytes = ClusterMessage.shutdown.encoded()
        let pending = (1..<communicator.size).map { communicator.isend(bytes, to: $0, tag: MessageTag.shutdown.rawValue) }
        for send in pending { send.wait() }
        sends.removeAll()
    }
}
