import Foundation
import Logging
import Registry
import Store

#if canImport(Glibc)
import Glibc
#endif

/// Rank 0's scheduler: claims jobs from the registry, splits them into tasks through their kind, hands tasks
/// to idle workers dynamically, merges results in task order, writes result files atomically and records
/// state, progress and events. The only part of a run that touches the registry and the store.
///
/// One loop, single-threaded: dispatch tasks to idle workers round-robin over the jobs in flight (so a small job
/// is not stuck behind a large one), claim a new job while workers are idle and fewer than `maxJobsInFlight` run,
/// collect replies, and every `pollSeconds` check for cancellations, renew leases and store progress. Shared
/// task fields go to a rank by content key once its cache holds them (``CacheLedger``); a task that misses is
/// sent again, with the data, before any other.
public final class Coordinator {
    let registry: Registry
    let dataRoot: URL
    let catalog: KindCatalog
    let pool: any WorkerPool
    let options: CoordinatorOptions
    let logger: Logger
    let clock = ContinuousClock()
    /// The SHA-256 of a written result file; replaced only by tests (a failing digest).
    var resultDigest: (URL) throws -> String = { try SHA256.hex(ofFile: $0) }

    var active: [ActiveJob] = []
    private var dispatchCursor = 0
    /// Counts collective phases as they become ready (their dispatch order).
    var collectiveSequence = 0
    var previousSite: String?
    var queueMayHaveJobs = true
    private var nextRegistryPoll: ContinuousClock.Instant
    /// Drain mode: when the wait for jobs held by other owners ends (set at the first wait).
    private var drainWaitDeadline: Date?
    /// The lease expiry last logged for each job held by another owner (logged again when it moves).
    private var reportedHolds: [Int64: Date?] = [:]
    /// The task out on each busy worker (by worker id), with its job run, input (kept for a resend after a cache
    /// miss) and the bytes of its task messages so far (replies of dropped jobs are discarded).
    private var outstanding: [Int: OutstandingTask] = [:]
    /// Tasks answered with a cache miss, to send again first.
    private var resends: [OutstandingTask] = []
    /// What each rank's cache holds.
    private var ledger: CacheLedger
    /// What the run did, for the caller.
    public internal(set) var summary = CoordinatorSummary()

    /// A coordinator over the registry and store of the data directory `dataRoot`.
    public init(registry: Registry, dataRoot: URL, catalog: KindCatalog, pool: any WorkerPool,
                options: CoordinatorOptions, logger: Logger = Logger(label: "rtcluster.coordinator")) {
        self.registry = registry
        self.dataRoot = dataRoot
        self.catalog = catalog
        self.pool = pool
        self.options = options
        self.logger = logger
        self.nextRegistryPoll = clock.now
        self.ledger = CacheLedger(capacityBytes: options.workerCacheBytes)
    }

    /// Runs until the queue is drained (drain mode) or a stop is requested (serve mode), then shuts the workers
    /// down. Throws only on registry or file-system errors that make going on pointless (the caller aborts).
    @discardableResult
    public func run() throws -> CoordinatorSummary {
        try recover()
        var idleSleepMicroseconds: UInt32 = 20
        var idleSince: ContinuousClock.Instant?
        while true {
            var progressed = false
            if clock.now >= nextRegistryPoll {
                try pollRegistry()
                nextRegistryPoll = clock.now + .seconds(options.pollSeconds)
            }
            progressed = try fillIdleWorkers() || progressed
            while let reply = pool.nextReply() {
                try handle(reply: reply.message, worker: reply.worker, rank: reply.rank)
                progressed = true
            }
            if active.isEmpty && outstanding.isEmpty && finishedAccepting() {
                if options.mode == .drain, try waitForJobsHeldElsewhere() { continue }
                break
            }
            if progressed {
                idleSleepMicroseconds = 20
                idleSince = nil
            } else {
                // While replies are due, poll back to back for a moment (a short task's reply is usually there
                // within microseconds; sleeping at once made 1 worker and the coordinator back off in turn to
                // ~2.5 ms per task), then sleep from 20 µs doubling to 1 ms.
                let now = clock.now
                let since = idleSince ?? now
                idleSince = since
                if !outstanding.isEmpty && now - since < Self.replySpin { continue }
                usleep(idleSleepMicroseconds)
                idleSleepMicroseconds = min(idleSleepMicroseconds * 2, 1000)
            }
        }
        pool.shutdown()
        return summary
    }

    /// How long the loop polls back to back for due replies before it starts sleeping.
    static let replySpin = Duration.microseconds(200)

    /// True when no new job will be claimed: the queue was found empty (drain) or a stop was requested (serve).
    private func finishedAccepting() -> Bool {
        switch options.mode {
        case .drain: return !queueMayHaveJobs
        case .serve: return options.stopRequested()
        }
    }

    /// Drain mode with an empty queue: jobs that another owner holds under a lease that has not expired (a run that
    /// died keeps its leases until they run out) are not drained yet. Logs each ("job N held by owner X until T;
    /// waiting"), sleeps until the earliest of those leases expires (at most a poll period, and not beyond
    /// `drainWaitSeconds` from the first wait), requeues expired leases and returns true so the loop claims again.
    /// Returns false when no job is held elsewhere, or when the wait is over: those still held are then counted in
    /// `summary.jobsHeldElsewhere` and logged as not drained.
    private func waitForJobsHeldElsewhere() throws -> Bool {
        let now = Date()
        let held = try registry.jobs(state: .running, limit: Int(Int32.max))
            .filter { $0.leaseOwner != options.owner && ($0.leaseExpiresAt ?? now) > now }
            .sorted { $0.id < $1.id }
        summary.jobsHeldElsewhere = held.count
        guard !held.isEmpty else {
            drainWaitDeadline = nil
            // A lease that ran out since the run's start (after its recovery, before this look) is not held but
            // still running: requeue it and claim again.
            guard try recover(onlyRequeuedJobs: true) else { return false }
            queueMayHaveJobs = true
            return true
        }
        let deadline = drainWaitDeadline ?? now.addingTimeInterval(options.drainWaitSeconds)
        drainWaitDeadline = deadline
        if now >= deadline {
            for job in held {
                logger.warning("job still held by owner \(job.leaseOwner ?? "?") until \(Self.timestamp(job.leaseExpiresAt)) after waiting \(options.drainWaitSeconds) s; not drained",
                               metadata: ["job": "\(job.id)"])
            }
            return false
        }
        for job in held where reportedHolds[job.id] != job.leaseExpiresAt {
            reportedHolds[job.id] = job.leaseExpiresAt
            logger.notice("job held by owner \(job.leaseOwner ?? "?") until \(Self.timestamp(job.leaseExpiresAt)); waiting (at most until \(Self.timestamp(deadline)))",
                          metadata: ["job": "\(job.id)"])
        }
        let earliest = held.compactMap(\.leaseExpiresAt).min() ?? now
        let pause = min(max(earliest.timeIntervalSince(now), 0), deadline.timeIntervalSince(now), options.pollSeconds) + 0.001
        usleep(UInt32(pause * 1e6))
        // A lease ran out: requeue it and remove the stale partial files of those jobs only (other owners' runs
        // go on working in their own job directories).
        if Date() >= earliest { try recover(onlyRequeuedJobs: true) }
        queueMayHaveJobs = true
        return true
    }

    /// A lease expiry for logs (ISO 8601, UTC).
    private static func timestamp(_ date: Date?) -> String { date.map { $0.formatted(.iso8601) } ?? "?" }

    /// Start of a run: expired leases go back to the queue (or fail after max attempts), stale temporaries go;
    /// `onlyRequeuedJobs` (a drain's wait) removes only those in the directories of the jobs it requeued.
    /// Returns true when it requeued (or failed) a job.
    @discardableResult
    private func recover(onlyRequeuedJobs: Bool = false) throws -> Bool {
        let requeued = try registry.requeueExpiredLeases()
        for job in requeued {
            logger.notice("job \(job.state == .queued ? "requeued" : "failed") after an expired lease (attempt \(job.attempts) of \(job.maxAttempts))",
                          metadata: ["job": "\(job.id)"])
        }
        let resultsDirectory = dataRoot.appendingPathComponent("store/results", isDirectory: true)
        let directories = onlyRequeuedJobs ? requeued.map { resultsDirectory.appendingPathComponent("job-\($0.id)", isDirectory: true) } : [resultsDirectory]
        for directory in directories {
            for path in StaleFiles.removeTemporaries(under: directory) {
                logger.notice("removed stale temporary file \(path)")
            }
        }
        return !requeued.isEmpty
    }

    /// Sends tasks to idle workers, claiming jobs when there is room; true when anything was sent or claimed.
    private func fillIdleWorkers() throws -> Bool {
        var progressed = false
        while pool.idleCount > 0 {
            resends.removeAll { task in !active.contains { $0 === task.job } || task.job.phase != task.address.phase }
            if !resends.isEmpty {
                send(resends.removeFirst())
                progressed = true
                continue
            }
            // Fairness rule of collective phases: the earliest ready one is dispatched as soon as every worker is
            // idle, and while it waits no job is claimed and no other task is started.
            if let gang = active.filter({ $0.collectiveReady != nil }).min(by: { $0.collectiveReady! < $1.collectiveReady! }) {
                if outstanding.isEmpty {
                    dispatchCollective(gang)
                    progressed = true
                }
                break
            }
            if active.count < options.maxJobsInFlight, queueMayHaveJobs, !(options.mode == .serve && options.stopRequested()) {
                if try claimJob() { progressed = true; continue }
            }
            guard let job = nextJobWithTasks() else { break }
            let task = job.takeTask()
            send(OutstandingTask(address: task.address, job: job, input: task.input, bytesIn: 0, missBytes: 0, sent: clock.now))
            summary.tasksDispatched += 1
            progressed = true
        }
        return progressed
    }

    /// Encodes `task` for the rank it goes to (shared fields that rank holds by key) and dispatches it.
    private func send(_ task: OutstandingTask) {
        let rank = pool.nextDispatchRank
        let referencing = ledger.referenced(in: task.input, to: rank)
        let message = ClusterMessage.task(address: task.address, kind: task.job.kind, input: task.input).encoded(referencing: referencing)
        summary.sharedFieldsByKey += referencing.count
        var sent = task
        sent.bytesIn += message.count
        sent.sent = clock.now
        outstanding[pool.dispatch(message)] = sent
    }

    /// Sends every task of `job`'s collective phase, task i to member i.
    private func dispatchCollective(_ job: ActiveJob) {
        // Sent in full and not cached: a member that missed would leave the others waiting in a collective.
        let tasks = job.takeCollective()
        let messages = tasks.map { ClusterMessage.task(address: $0.address, kind: job.kind, input: $0.input.unshared).encoded() }
        let workers = pool.dispatchCollective(messages)
        let now = clock.now
        for (task, (worker, message)) in zip(tasks, zip(workers, messages)) {
            outstanding[worker] = OutstandingTask(address: task.address, job: job, input: task.input, bytesIn: message.count, missBytes: 0, sent: now)
        }
        summary.tasksDispatched += tasks.count
        logger.debug("collective phase \(job.phase) dispatched to \(tasks.count) members", metadata: ["job": "\(job.id)"])
    }

    /// The next job in round-robin order that has undispatched tasks.
    private func nextJobWithTasks() -> ActiveJob? {
        guard !active.isEmpty else { return nil }
        for offset in 0..<active.count {
            let job = active[(dispatchCursor + offset) % active.count]
            if job.hasUndispatched {
                dispatchCursor = (dispatchCursor + offset + 1) % active.count
                return job
            }
        }
        return nil
    }

    /// Handles one encoded reply of `worker`, computed on `rank`.
    private func handle(reply bytes: [UInt8], worker: Int, rank: Int) throws {
        let message: ClusterMessage
        do {
            message = try ClusterMessage.decode(bytes)
        } catch {
            throw CoordinatorError.protocolViolation("undecodable reply from rank \(rank): \(error)")
        }
        let address: TaskAddress
        switch message {
        case .result(let a, _, _), .failure(let a, _), .miss(let a, _): address = a
        case .task, .shutdown: throw CoordinatorError.protocolViolation("rank \(rank) sent a \(message.tag) message")
        }
        guard let sent = outstanding.removeValue(forKey: worker), sent.address == address else {
            throw CoordinatorError.protocolViolation("rank \(rank) answered \(address), but was not given that task")
        }
        let job = sent.job
        guard active.contains(where: { $0 === job }), job.phase == address.phase else {
            summary.repliesDiscarded += 1
            logger.debug("discarded a late reply of a dropped job", metadata: ["job": "\(address.jobID)", "task": "\(address.phase).\(address.index)"])
            return
        }
        switch message {
        case .result(_, let seconds, let output):
            guard job.record(index: address.index, output: output) else {
                throw CoordinatorError.protocolViolation("duplicate result for \(address) from rank \(rank)")
            }
            job.timings.append(TaskTiming(phase: address.phase, index: address.index, rank: rank, seconds: seconds,
                                          roundTripSeconds: (clock.now - sent.sent).seconds, bytesIn: sent.bytesIn, bytesOut: sent.missBytes + bytes.count))
            if job.phaseComplete { try advance(job, results: job.phaseResults()) }
        case .failure(_, let text):
            let error = SchedulerError.taskFailed(task: "task \(address.index) of phase \(address.phase)", rank: rank, message: text)
            try fail(job, error: String(describing: error))
        case .miss(_, let keys):
            guard !keys.isEmpty, keys.allSatisfy(Set(sent.input.sharedKeys.values).contains) else {
                throw CoordinatorError.protocolViolation("rank \(rank) missed fields that \(address) does not share")
            }
            ledger.forget(keys, on: rank)
            summary.cacheMisses += 1
            var resend = sent
            resend.missBytes += bytes.count
            resends.append(resend)
        case .task, .shutdown:
            break
        }
    }
}

/// Counts of what a coordinator run did.
public struct CoordinatorSummary: Sendable, Equatable {
    public var jobsClaimed = 0
    public var jobsSucceeded = 0
    public var jobsFailed = 0
    public var jobsDropped = 0
    public var tasksDispatched = 0
    public var repliesDiscarded = 0
    /// Shared task fields sent by content key instead of their data.
    public var sharedFieldsByKey = 0
    /// Tasks a worker answered with a cache miss (each was sent again with the data).
    public var cacheMisses = 0
    /// Drain mode: jobs another owner still held under an unexpired lease when the run ended (the wait for them,
    /// ``CoordinatorOptions/drainWaitSeconds``, was over); the queue is not drained then.
    public var jobsHeldElsewhere = 0
}

/// A task on its way to (or back from) a worker.
struct OutstandingTask {
    let address: TaskAddress
    let job: ActiveJob
    let input: TaskPayload
    /// Bytes of every task message sent for it (a resend after a miss adds its own).
    var bytesIn: Int
    /// Bytes of the miss replies it got (counted with its result's bytes).
    var missBytes: Int
    var sent: ContinuousClock.Instant
}

/// Errors that end a coordinator run (the caller aborts the world).
public enum CoordinatorError: Error, CustomStringConvertible {
    /// A worker broke the protocol.
    case protocolViolation(String)

    public var description: String {
        switch self {
        case .protocolViolation(let reason): return "scheduler protocol violation: \(reason)"
        }
    }
}
