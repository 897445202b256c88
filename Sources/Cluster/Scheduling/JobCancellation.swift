import Foundation

/// Lets the coordinator-side stages of a job notice that the job was cancelled (or that this run lost it) while
/// they run, instead of only at the coordinator's next registry poll after they return.
///
/// The coordinator checks it between a job's stages (before each `nextStep`, before writing the result); a kind
/// calls ``check()`` between its own coordinator-side steps and inside loops that can run for seconds (a plan's
/// dose set-up, a segmentation's global steps). The registry is asked at most once per `minimumInterval`, so a
/// check in a tight loop costs a clock read; once the job must stop, every later check throws at once.
public final class JobCancellation: @unchecked Sendable {
    private let probe: @Sendable () -> String?
    private let minimumInterval: Duration
    private let lock = NSLock()
    private var lastProbe: ContinuousClock.Instant?
    private var stopReason: String?

    /// `probe` returns why the job must stop (e.g. "job is cancelled"), or nil while it may go on.
    public init(minimumInterval: Duration = .zero, probe: @escaping @Sendable () -> String?) {
        self.probe = probe
        self.minimumInterval = minimumInterval
    }

    /// A job that is never cancelled (runs outside a coordinator, tests).
    public static let never = JobCancellation { nil }

    /// Throws ``JobCancelled`` when the job must stop.
    public func check() throws {
        if let reason = stopReason(now: ContinuousClock.now) { throw JobCancelled(reason: reason) }
    }

    private func stopReason(now: ContinuousClock.Instant) -> String? {
        lock.lock()
        defer { lock.unlock() }
        if stopReason == nil, lastProbe.map({ now - $0 >= minimumInterval }) ?? true {
            lastProbe = now
            stopReason = probe()
        }
        return stopReason
    }
}

/// Thrown by ``JobCancellation/check()``: the job was cancelled or this run no longer holds it. The coordinator
/// drops the job (no result file, its state stays what the other party set), it does not fail it.
public struct JobCancelled: Error, Equatable, CustomStringConvertible {
    public let reason: String

    public init(reason: String) { self.reason = reason }

    public var description: String { "stopped: \(reason)" }
}
