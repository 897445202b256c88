import Foundation
import GRDB

extension Registry {
    /// Registers `record` (validated as by `CaseRecord.validate()`) and appends a `case.added` event
    /// stamped `record.created`. Throws `duplicateCase` when the id is taken; nothing is written then.
    @discardableResult
    public func addCase(_ record: CaseRecord) throws -> CaseRecord {
        try record.validate()
        return try write { db in
            if try CaseRecord.exists(db, key: record.id) { throw RegistryError.duplicateCase(record.id) }
            try record.insert(db)
            try appendEvent(db, at: record.created, kind: .caseAdded, jobID: nil, caseID: record.id,
                            message: "case \(record.id) (site \(record.site)) at \(record.casePath), \(record.nx)×\(record.ny)×\(record.nz) voxels")
            return try Registry.fetchCase(db, id: record.id)
        }
    }

    /// The case with id `id`; throws `caseNotFound` (or `invalidIdentifier` for a malformed id).
    public func caseRecord(id: String) throws -> CaseRecord {
        try Identifier.validate(id, as: .caseID)
        return try read { db in try Registry.fetchCase(db, id: id) }
    }

    /// All cases, optionally of one site, oldest first.
    public func cases(site: String? = nil) throws -> [CaseRecord] {
        if let site { try Identifier.validate(site, as: .site) }
        return try read { db in
            var request = CaseRecord.order(CaseRecord.TableColumns.created, CaseRecord.TableColumns.id)
            if let site { request = request.filter(CaseRecord.TableColumns.site == site) }
            return try request.fetchAll(db)
        }
    }

    static func fetchCase(_ db: Database, id: String) throws -> CaseRecord {
        guard let record = try CaseRecord.fetchOne(db, key: id) else { throw RegistryError.caseNotFound(id) }
        return record
    }
}
