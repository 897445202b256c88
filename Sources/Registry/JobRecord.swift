import Foundation
import GRDB

/// A job: one unit of work (segment, dose, plan...) on one case, with its spec, queue state, lease and
/// outcome. Row of table `jobs`. Obtain records from `Registry`; changing a copy changes nothing stored.
///
/// Attempts count claims: `attempts` is the number of times the job went queued → running. A job whose
/// lease expires (or that asks for a retry) while `attempts < maxAttempts` goes back to the queue;
/// at `attempts == maxAttempts` it fails instead, so `maxAttempts` bounds the number of runs.
public struct JobRecord: Hashable, Sendable {
    /// Default priority of a submitted job (range 0...1000, higher runs first).
    public static let defaultPriority = 500
    /// Default bound on the number of runs of a job.
    public static let defaultMaxAttempts = 3
    /// Accepted priorities; higher runs first.
    public static let priorityRange = 0...1000
    /// Accepted values of `maxAttempts`.
    public static let maxAttemptsRange = 1...100

    /// Row id, assigned by SQLite at submission, increasing.
    public let id: Int64
    /// The case the job works on.
    public let caseID: String
    /// Job kind (identifier grammar; the Jobs module decides which kinds exist).
    public let kind: String
    /// The job spec, verbatim YAML text.
    public let spec: String
    public internal(set) var state: JobState
    /// 0...1000, higher is claimed first; ties go to the oldest submission.
    public let priority: Int
    /// Number of claims so far (see the type's documentation).
    public internal(set) var attempts: Int
    public let maxAttempts: Int
    public let submittedAt: Date
    /// Time of the latest claim.
    public internal(set) var startedAt: Date?
    /// Time the job reached a final state.
    public internal(set) var finishedAt: Date?
    /// While running: when the lease runs out unless renewed.
    public internal(set) var leaseExpiresAt: Date?
    /// Owner of the current (or, once final, the last) lease.
    public internal(set) var leaseOwner: String?
    /// Progress of the current run, in units chosen by the runner (e.g. tasks).
    public internal(set) var progressDone: Int
    public internal(set) var progressTotal: Int
    /// Latest error: the failure message, or the error that caused the latest retry.
    public internal(set) var error: String?
    /// Result file path relative to the store root, set on success.
    public internal(set) var resultPath: String?
    /// SHA-256 (lowercase hex) of the result file when the job succeeded; nil for jobs that succeeded before the
    /// registry recorded it (migration "v2 result digests") and for unfinished jobs.
    public internal(set) var resultSHA256: String?
}

extension JobRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "jobs"

    enum TableColumns {
        static let id = Column("id"), caseID = Column("case_id"), state = Column("state")
        static let priority = Column("priority"), submittedAt = Column("submitted_at")
        static let leaseExpiresAt = Column("lease_expires_at")
    }

    public init(row: Row) throws {
        let stored = StoredRow(row, table: Self.databaseTableName)
        id = try stored("id")
        caseID = try stored("case_id")
        kind = try stored("kind")
        spec = try stored("spec")
        state = try stored("state")
        priority = try stored("priority")
        attempts = try stored("attempts")
        maxAttempts = try stored("max_attempts")
        submittedAt = try stored("submitted_at")
        startedAt = try stored("started_at")
        finishedAt = try stored("finished_at")
        leaseExpiresAt = try stored("lease_expires_at")
        leaseOwner = try stored("lease_owner")
        progressDone = try stored("progress_done")
        progressTotal = try stored("progress_total")
        error = try stored("error")
        resultPath = try stored("result_path")
        // Absent in a registry not yet migrated to "v2 result digests" (opened read-only).
        resultSHA256 = row.hasColumn("result_sha256") ? try stored("result_sha256") : nil
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["case_id"] = caseID
        container["kind"] = kind
        container["spec"] = spec
        container["state"] = state
        container["priority"] = priority
        container["attempts"] = attempts
        container["max_attempts"] = maxAttempts
        container["submitted_at"] = submittedAt
        container["started_at"] = startedAt
        container["finished_at"] = finishedAt
        container["lease_expires_at"] = leaseExpiresAt
        container["lease_owner"] = leaseOwner
        container["progress_done"] = progressDone
        container["progress_total"] = progressTotal
        container["error"] = error
        container["result_path"] = resultPath
        container["result_sha256"] = resultSHA256
    }
}
