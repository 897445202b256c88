import Foundation
import GRDB

extension Registry {
    /// Audit events of job `jobID`, in append order.
    public func events(jobID: Int64) throws -> [EventRecord] {
        try read { db in
            try EventRecord.filter(EventRecord.TableColumns.jobID == jobID).order(EventRecord.TableColumns.id).fetchAll(db)
        }
    }

    /// Audit events of case `caseID`, including those of its jobs, in append order.
    public func events(caseID: String) throws -> [EventRecord] {
        try Identifier.validate(caseID, as: .caseID)
        return try read { db in
            try EventRecord.filter(EventRecord.TableColumns.caseID == caseID).order(EventRecord.TableColumns.id).fetchAll(db)
        }
    }

    /// Appends a `note` event about job `jobID` (e.g. task timings); `message` has NUL bytes escaped
    /// and is cut to 16 KiB. Throws `jobNotFound` for an unknown job.
    @discardableResult
    public func addNote(jobID: Int64, message: String, now: Date = Date()) throws -> EventRecord {
        let text = FieldValidation.storable(message)
        return try write { db in
            let job = try Registry.fetchJob(db, id: jobID)
            try appendEvent(db, at: now, kind: .note, jobID: jobID, caseID: job.caseID, message: text)
            return try EventRecord.fetchOne(db, key: db.lastInsertedRowID)!
        }
    }
}
