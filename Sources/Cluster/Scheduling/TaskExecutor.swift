import Foundation
import Logging

/// Runs one encoded task message on the current rank and encodes the reply: a `result`, a `failure` naming
/// the cause when the task throws or its kind is unknown, or a `miss` when the task references shared fields
/// that the rank's ``PayloadCache`` does not hold. Shared by the MPI worker loop and the in-process pool.
public struct TaskExecutor: Sendable {
    /// The job kinds this rank can run.
    public let catalog: KindCatalog
    /// This rank's number (for logs).
    public let rank: Int
    /// The shared fields this rank holds.
    public let cache: PayloadCache
    let logger: Logger

    public init(catalog: KindCatalog, rank: Int, cache: PayloadCache = PayloadCache(), logger: Logger = Logger(label: "rtcluster.worker")) {
        self.catalog = catalog
        self.rank = rank
        self.cache = cache
        self.logger = logger
    }

    /// Executes a task message; throws `WireError` only when the bytes are not a task message.
    public func reply(to bytes: [UInt8]) throws -> ClusterMessage {
        guard case .task(let address, let kind, let input) = try ClusterMessage.decode(bytes) else {
            throw WireError.malformed("expected a task message")
        }
        return run(address: address, kind: kind, input: input)
    }

    /// Executes one ordinary task (its shared fields resolved through the cache) and returns its reply.
    public func run(address: TaskAddress, kind: String, input: TaskPayload) -> ClusterMessage {
        switch cache.resolve(input) {
        case .success(let plain):
            return execute(address: address) { try catalog.plugin(kind).execute(phase: address.phase, input: plain) }
        case .failure(let missing):
            logger.debug("cache miss on \(missing.keys.count) shared fields", metadata: ["job": "\(address.jobID)", "task": "\(address.phase).\(address.index)"])
            return .miss(address: address, keys: missing.keys)
        }
    }

    /// Executes one task of a collective phase as `member` (whose closing round runs here too) and returns its reply.
    func runCollective(address: TaskAddress, kind: String, input: TaskPayload, member: CollectiveMember) -> ClusterMessage {
        execute(address: address) {
            try member.run { group in try catalog.plugin(kind).executeCollective(phase: address.phase, input: input, group: group) }
        }
    }

    private func execute(address: TaskAddress, _ body: () throws -> TaskPayload) -> ClusterMessage {
        let metadata: Logger.Metadata = ["job": "\(address.jobID)", "task": "\(address.phase).\(address.index)"]
        let start = ContinuousClock.now
        do {
            let output = try body()
            let seconds = (ContinuousClock.now - start).seconds
            logger.debug("task done in \(String(format: "%.4f", seconds)) s", metadata: metadata)
            return .result(address: address, seconds: seconds, output: output)
        } catch {
            logger.warning("task failed: \(error)", metadata: metadata)
            return .failure(address: address, message: String(describing: error))
        }
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) * 1e-18
    }
}
