import Foundation
import GRDB

extension Registry {
    /// Records a successful run: running → succeeded, with `resultPath` (relative to the store root) and the result
    /// file's SHA-256 (`results` checks the file against it before exporting).
    /// Only the lease owner may do this; the lease may have run out as long as nobody requeued the job.
    @discardableResult
    public func markSucceeded(jobID: Int64, owner: String, resultPath: String, resultSHA256: String? = nil, now: Date = Date()) throws -> JobRecord {
        try FieldValidation.checkStorePath(resultPath, field: "result path")
        if let resultSHA256, resultSHA256.count != 64 || !resultSHA256.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) {
            throw RegistryError.invalidValue(field: "result SHA-256", reason: "\(resultSHA256) is not 64 lowercase hex digits")
        }
        return try write { db in
            try transition(db, jobID: jobID, to: .succeeded, owner: owner, now: now, detail: "result \(resultPath)") { job in
                job.resultPath = resultPath
                job.resultSHA256 = resultSHA256
                job.error = nil
            }
        }
    }

    /// Records a failed run: running → failed, final, with `error` (NUL bytes escaped, cut to 16 KiB).
    /// Only the lease owner may do this. For a failure worth another attempt use `requeueForRetry`.
    @discardableResult
    public func markFailed(jobID: Int64, owner: String, error: String, now: Date = Date()) throws -> JobRecord {
        let message = FieldValidation.storable(error)
        return try write { db in
            try transition(db, jobID: jobID, to: .failed, owner: owner, now: now, detail: message) { job in
                job.error = message
            }
        }
    }

    /// Cancels a queued or running job (any owner: this is the user's command). A running job's
    /// owner learns it at its next `renewLease`, `updateProgress` or `mark…`, which then fail.
    /// A final job throws `illegalTransition`.
    @discardableResult
    public func cancel(jobID: Int64, reason: String = "cancelled by user", now: Date = Date()) throws -> JobRecord {
        let message = FieldValidation.storable(reason)
        return try write { db in
            try transition(db, jobID: jobID, to: .cancelled, owner: nil, now: now, detail: message) { _ in }
        }
    }

    /// Loads job `jobID` and moves it to `target`; see `transition(_:job:to:owner:now:detail:apply:)`.
    func transition(
        _ db: Database, jobID: Int64, to target: JobState, owner: String?, now: Date, detail: String,
        apply: (inout JobRecord) -> Void
    ) throws -> JobRecord {
        try transition(db, job: Registry.fetchJob(db, id: jobID), to: target, owner: owner, now: now, detail: detail, apply: apply)
    }

    /// The one place where a job changes state, inside the caller's write transaction.
    ///
    /// Checks `JobState.canTransition(to:)` (else `illegalTransition`), then, when `owner` is given,
    /// that it holds the lease (else `leaseNotHeld`). Applies the bookkeeping of the target state:
    /// running — attempts + 1, started now, progress reset; queued — lease cleared; final — finished
    /// now, lease expiry cleared (the owner is kept as the last runner). Then `apply` sets the
    /// caller's fields, the row is saved and one event "from → to: detail" is appended.
    func transition(
        _ db: Database, job current: JobRecord, to target: JobState, owner: String?, now: Date, detail: String,
        apply: (inout JobRecord) -> Void
    ) throws -> JobRecord {
        guard current.state.canTransition(to: target) else {
            throw RegistryError.illegalTransition(job: current.id, from: current.state, to: target)
        }
        if let owner, current.leaseOwner != owner {
            throw RegistryError.leaseNotHeld(job: current.id, owner: owner, state: current.state, holder: current.leaseOwner)
        }
        var job = current
        job.state = target
        switch target {
        case .running:
            job.attempts += 1
            job.startedAt = now
            job.progressDone = 0
            job.progressTotal = 0
        case .queued:
            job.leaseOwner = nil
            job.leaseExpiresAt = nil
        case .succeeded, .failed, .cancelled:
            job.finishedAt = now
            job.leaseExpiresAt = nil
        }
        apply(&job)
        try job.update(db)
        try appendEvent(db, at: now, kind: .entering(target), jobID: job.id, caseID: job.caseID,
                        message: "\(current.state) → \(target)" + (detail.isEmpty ? "" : ": \(detail)"))
        return try Registry.fetchJob(db, id: job.id)
    }
}
