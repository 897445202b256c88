import Foundation
import GRDB

/// One entry of the append-only audit log (table `events`): a case registration, a job submission,
/// a job state change or a caller's note. Rows are never updated or deleted (triggers enforce it).
public struct EventRecord: Hashable, Sendable {
    /// Row id, increasing in append order.
    public let id: Int64
    public let at: Date
    /// The job concerned, if any.
    public let jobID: Int64?
    /// The case concerned; job events carry their job's case.
    public let caseID: String?
    public let kind: EventKind
    /// Human-readable detail, e.g. "queued → running (owner w1, attempt 1 of 3)".
    public let message: String
}

extension EventRecord: FetchableRecord, TableRecord {
    public static let databaseTableName = "events"

    enum TableColumns {
        static let id = Column("id"), jobID = Column("job_id"), caseID = Column("case_id")
    }

    public init(row: Row) throws {
        let stored = StoredRow(row, table: Self.databaseTableName)
        id = try stored("id")
        at = try stored("at")
        jobID = try stored("job_id")
        caseID = try stored("case_id")
        kind = try stored("kind")
        message = try stored("message")
    }
}
