import Core
import Foundation
import GRDB

extension Registry {
    /// Longest lease accepted, in seconds (7 days).
    public static let maximumLeaseSeconds = 7 * 86_400.0

    /// Atomically claims the next queued job — highest priority, then oldest submission, then lowest
    /// id — skipping the ids in `excluding`: queued → running with a lease for `owner` until
    /// `now + leaseSeconds`, attempts + 1. Returns nil when no queued job qualifies. Safe when several
    /// processes claim at once: each job is handed to exactly one of them.
    public func claimNextJob(owner: String, leaseSeconds: Double, now: Date = Date(), excluding: Set<Int64> = []) throws -> JobRecord? {
        try claimNextJob(owner: owner, leaseSeconds: leaseSeconds, now: now, excluding: excluding, choosing: { db in
            try JobRecord
                .filter(JobRecord.TableColumns.state == JobState.queued)
                .filter(!excluding.contains(JobRecord.TableColumns.id))
                .order(JobRecord.TableColumns.priority.desc, JobRecord.TableColumns.submittedAt, JobRecord.TableColumns.id)
                .fetchOne(db).map { ($0, ()) }
        })?.job
    }

    /// Claims the queued job that `choose` picks (with a value it returns alongside), in one write
    /// transaction: queued → running with a lease for `owner`, attempts + 1.
    func claimNextJob<Extra>(owner: String, leaseSeconds: Double, now: Date, excluding: Set<Int64>,
                             choosing choose: (Database) throws -> (JobRecord, Extra)?) throws -> (job: JobRecord, extra: Extra)? {
        try Registry.checkLease(owner: owner, leaseSeconds: leaseSeconds)
        return try write { db in
            guard let (next, extra) = try choose(db) else { return nil }
            let expiry = now.addingTimeInterval(leaseSeconds)
            let claimed = try transition(db, job: next, to: .running, owner: nil, now: now,
                                         detail: "owner \(owner), attempt \(next.attempts + 1) of \(next.maxAttempts), lease until \(expiry.formatted(.iso8601))") { job in
                job.leaseOwner = owner
                job.leaseExpiresAt = expiry
            }
            return (claimed, extra)
        }
    }

    /// Extends the lease of running job `jobID` to `now + leaseSeconds`. Throws `leaseNotHeld` when the
    /// job is no longer running under `owner` (cancelled, requeued after expiry, finished): the owner
    /// must then stop working on it. No event is appended (not a state change).
    @discardableResult
    public func renewLease(jobID: Int64, owner: String, leaseSeconds: Double, now: Date = Date()) throws -> JobRecord {
        try Registry.checkLease(owner: owner, leaseSeconds: leaseSeconds)
        return try write { db in
            var job = try Registry.fetchHeldJob(db, id: jobID, owner: owner)
            job.leaseExpiresAt = now.addingTimeInterval(leaseSeconds)
            try job.update(db)
            return try Registry.fetchJob(db, id: jobID)
        }
    }

    /// Sets the progress of running job `jobID` to `done` of `total` (0 ≤ done ≤ total). Throws
    /// `leaseNotHeld` when `owner` does not hold the job. No event is appended.
    public func updateProgress(jobID: Int64, owner: String, done: Int, total: Int) throws {
        try FieldValidation.checkRange(total, 0...Int(Int32.max), field: "progress total")
        try FieldValidation.checkRange(done, 0...max(total, 0), field: "progress done (of \(total))")
        try write { db in
            var job = try Registry.fetchHeldJob(db, id: jobID, owner: owner)
            job.progressDone = done
            job.progressTotal = total
            try job.update(db)
        }
    }

    /// Ends every run whose lease expired (`leaseExpiresAt ≤ now`) in one transaction: a job with
    /// attempts < maxAttempts goes back to the queue (running → queued, error kept); a job that used
    /// all its attempts fails with "lease expired after N attempts" followed by "; last error: …"
    /// when an earlier error was recorded. Returns the changed jobs in their new state, by id.
    public func requeueExpiredLeases(now: Date = Date()) throws -> [JobRecord] {
        try write { db in
            let expired = try JobRecord
                .filter(JobRecord.TableColumns.state == JobState.running)
                .filter(JobRecord.TableColumns.leaseExpiresAt <= now)
                .order(JobRecord.TableColumns.id)
                .fetchAll(db)
            return try expired.map { job in
                let reason = "lease of \(job.leaseOwner ?? "?") expired at \((job.leaseExpiresAt ?? now).formatted(.iso8601))"
                return try endAttempt(db, job: job, now: now, reason: reason,
                                      finalError: "lease expired after \(Registry.attempts(job.attempts))" + (job.error.map { "; last error: \($0)" } ?? ""),
                                      retryError: job.error)
            }
        }
    }

    /// Gives up the current run of job `jobID` after a recoverable `error`: running → queued with the
    /// error recorded, or, when attempts reached maxAttempts, running → failed with
    /// "failed after N attempts; last error: …". Only the lease owner may do this.
    @discardableResult
    public func requeueForRetry(jobID: Int64, owner: String, error: String, now: Date = Date()) throws -> JobRecord {
        let message = FieldValidation.storable(error)
        return try write { db in
            let job = try Registry.fetchHeldJob(db, id: jobID, owner: owner)
            return try endAttempt(db, job: job, now: now, reason: message,
                                  finalError: "failed after \(Registry.attempts(job.attempts)); last error: \(message)", retryError: message)
        }
    }

    /// Requeues `job` or, when its attempts are used up, fails it with `finalError`.
    private func endAttempt(_ db: Database, job: JobRecord, now: Date, reason: String, finalError: String, retryError: String?) throws -> JobRecord {
        if job.attempts >= job.maxAttempts {
            let error = FieldValidation.storable(finalError)
            return try transition(db, job: job, to: .failed, owner: nil, now: now, detail: error) { $0.error = error }
        }
        return try transition(db, job: job, to: .queued, owner: nil, now: now,
                              detail: "\(reason) (attempt \(job.attempts) of \(job.maxAttempts))") { $0.error = retryError }
    }

    /// "1 attempt", "3 attempts".
    private static func attempts(_ n: Int) -> String { counted(n, "attempt") }

    /// The job if it is running under `owner`, else `leaseNotHeld`.
    private static func fetchHeldJob(_ db: Database, id: Int64, owner: String) throws -> JobRecord {
        let job = try fetchJob(db, id: id)
        guard job.state == .running, job.leaseOwner == owner else {
            throw RegistryError.leaseNotHeld(job: id, owner: owner, state: job.state, holder: job.leaseOwner)
        }
        return job
    }

    private static func checkLease(owner: String, leaseSeconds: Double) throws {
        try FieldValidation.checkLabel(owner, field: "lease owner", maximumBytes: 128)
        guard leaseSeconds.isFinite, leaseSeconds > 0, leaseSeconds <= maximumLeaseSeconds else {
            throw RegistryError.invalidValue(field: "lease", reason: "\(leaseSeconds) s is outside (0, \(maximumLeaseSeconds)] s")
        }
    }
}
