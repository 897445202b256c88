import Foundation

/// How a coordinator runs: drain or serve, lease and polling periods, identity and provenance.
public struct CoordinatorOptions: Sendable {
    /// When the coordinator stops.
    public enum Mode: String, Sendable {
        /// Stop once no job is queued and none is in flight.
        case drain
        /// Keep polling for new jobs until `stopRequested` returns true, then finish in-flight jobs and stop.
        case serve
    }

    public var mode: Mode
    /// Lease length in seconds; leases are renewed every third of it.
    public var leaseSeconds: Double
    /// How often the registry is polled for cancellations and new jobs, in seconds (at most 1 s).
    public var pollSeconds: Double
    /// Lease owner written in the registry (unique per run).
    public var owner: String
    /// At most this many jobs in flight at once.
    public var maxJobsInFlight: Int
    /// Software version recorded in result files.
    public var softwareVersion: String
    /// The workers' shared-field cache budget in bytes (``PayloadCache/defaultCapacityBytes`` unless the workers
    /// were started with another); 0 sends every shared field in full.
    public var workerCacheBytes: Int
    /// Drain mode: how long, in seconds, to wait in all for jobs that another owner holds under an unexpired lease
    /// (a run that died, or one still working) once the queue is empty; each is claimed again when its lease
    /// expires. Jobs still held after the wait are counted in ``CoordinatorSummary/jobsHeldElsewhere``.
    public var drainWaitSeconds: Double
    /// Checked in serve mode between iterations; true ends the run after in-flight jobs finish.
    public var stopRequested: @Sendable () -> Bool

    public init(mode: Mode = .drain, leaseSeconds: Double = 60, pollSeconds: Double = 0.25,
                owner: String = CoordinatorOptions.makeRunID(), maxJobsInFlight: Int = 4,
                softwareVersion: String = "unknown", drainWaitSeconds: Double = CoordinatorOptions.defaultDrainWaitSeconds, workerCacheBytes: Int = PayloadCache.defaultCapacityBytes, stopRequested: @escaping @Sendable () -> Bool = { false }) {
        self.mode = mode
        self.leaseSeconds = leaseSeconds
        self.pollSeconds = min(max(pollSeconds, 0.001), 1)
        self.owner = owner
        self.maxJobsInFlight = max(1, maxJobsInFlight)
        self.softwareVersion = softwareVersion
        self.drainWaitSeconds = drainWaitSeconds.isFinite ? max(0, drainWaitSeconds) : 0
        self.workerCacheBytes = max(0, workerCacheBytes)
        self.stopRequested = stopRequested
    }

    /// Default of ``drainWaitSeconds``: five default leases.
    public static let defaultDrainWaitSeconds = 300.0

    /// A run id "run-<host>-<pid>-<random>", unique across restarts.
    public static func makeRunID() -> String {
        let host = ProcessInfo.processInfo.hostName.prefix(40).map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "-" }
        return "run-\(String(host))-\(ProcessInfo.processInfo.processIdentifier)-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
    }
}
