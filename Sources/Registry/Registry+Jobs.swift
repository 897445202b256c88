import Core
import Foundation
import GRDB

extension Registry {
    /// Queues a new job of `kind` on case `caseID` with the YAML `specText` stored verbatim, and appends
    /// a `job.submitted` event. `kind` follows the identifier grammar (which kinds exist is the Jobs
    /// module's business); `specText` is non-blank, at most 1 MiB, without NUL bytes;
    /// `priority` in 0...1000 (higher first); `maxAttempts` in 1...100 (bound on runs).
    /// Throws `caseNotFound` for an unknown case; nothing is written on any error.
    public func submitJob(
        caseID: String, kind: String, specText: String,
        priority: Int = JobRecord.defaultPriority, maxAttempts: Int = JobRecord.defaultMaxAttempts,
        now: Date = Date()
    ) throws -> JobRecord {
        try Identifier.validate(caseID, as: .caseID)
        try Identifier.validate(kind, as: .jobKind)
        try FieldValidation.checkText(specText, field: "job spec", maximumBytes: FieldValidation.maximumSpecBytes)
        try FieldValidation.checkRange(priority, JobRecord.priorityRange, field: "priority")
        try FieldValidation.checkRange(maxAttempts, JobRecord.maxAttemptsRange, field: "max attempts")
        return try write { db in
            _ = try Registry.fetchCase(db, id: caseID)
            try db.execute(
                sql: """
                    INSERT INTO jobs (case_id, kind, spec, state, priority, attempts, max_attempts, submitted_at)
                    VALUES (?, ?, ?, ?, ?, 0, ?, ?)
                    """,
                arguments: [caseID, kind, specText, JobState.queued, priority, maxAttempts, now])
            let id = db.lastInsertedRowID
            try appendEvent(db, at: now, kind: .jobSubmitted, jobID: id, caseID: caseID,
                            message: "\(kind) job queued (priority \(priority), at most \(counted(maxAttempts, "attempt")))")
            return try Registry.fetchJob(db, id: id)
        }
    }

    /// The job with id `id`; throws `jobNotFound`.
    public func job(id: Int64) throws -> JobRecord {
        try read { db in try Registry.fetchJob(db, id: id) }
    }

    /// Jobs, newest first, optionally only those in `state` and/or of case `caseID`; at most `limit` (≥ 1).
    /// Throws `caseNotFound` when `caseID` is given and no such case is registered.
    public func jobs(state: JobState? = nil, caseID: String? = nil, limit: Int = 100) throws -> [JobRecord] {
        try FieldValidation.checkRange(limit, 1...Int(Int32.max), field: "limit")
        if let caseID { try Identifier.validate(caseID, as: .caseID) }
        return try read { db in
            if let caseID, try !CaseRecord.exists(db, key: caseID) { throw RegistryError.caseNotFound(caseID) }
            var request = JobRecord.order(JobRecord.TableColumns.id.desc).limit(limit)
            if let state { request = request.filter(JobRecord.TableColumns.state == state) }
            if let caseID { request = request.filter(JobRecord.TableColumns.caseID == caseID) }
            return try request.fetchAll(db)
        }
    }

    /// Number of jobs in each state (every state present, zero when empty).
    public func jobCounts() throws -> [JobState: Int] {
        try read { db in
            var counts = Dictionary(uniqueKeysWithValues: JobState.allCases.map { ($0, 0) })
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n, MIN(id) AS id FROM jobs GROUP BY state") {
                let stored = StoredRow(row, table: JobRecord.databaseTableName)
                counts[try stored("state", as: JobState.self)] = try stored("n")
            }
            return counts
        }
    }

    static func fetchJob(_ db: Database, id: Int64) throws -> JobRecord {
        guard let job = try JobRecord.fetchOne(db, key: id) else { throw RegistryError.jobNotFound(id) }
        return job
    }
}
