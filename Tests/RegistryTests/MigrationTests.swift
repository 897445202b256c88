import Foundation
import GRDB
import Testing
@testable import Registry

@Suite("Schema and reopening")
struct MigrationTests {
    @Test("Migrating twice changes nothing; reopening the file keeps the data")
    func idempotentAndReopen() throws {
        let directory = try makeScratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("registry.sqlite").path
        func schema(_ registry: Registry) throws -> [String] {
            try registry.read { db in
                try String.fetchAll(db, sql: "SELECT type || ' ' || name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name")
            }
        }
        let first = try Registry(path: path)
        try first.addCase(sampleCase())
        let job = try first.submitJob(caseID: "lung-001", kind: "plan", specText: "kind: plan", now: t0)
        let tables = try schema(first)
        #expect(tables.contains("table jobs") && tables.contains("index jobs_claim_order") && tables.contains("trigger events_append_only_update"))
        try first.migrate()
        try first.migrate()
        #expect(try schema(first) == tables)
        #expect(try first.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM grdb_migrations") } == 1)
        let reopened = try Registry(path: path)
        #expect(try schema(reopened) == tables)
        #expect(try reopened.job(id: job.id) == job)
        #expect(try reopened.caseRecord(id: "lung-001") == sampleCase())
        let journalMode = try reopened.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(journalMode == "wal")
    }

    @Test("The audit log refuses updates and deletes")
    func appendOnly() throws {
        try withScratchRegistry { registry, _ in
            try registry.addCase(sampleCase())
            for sql in ["UPDATE events SET message = 'x'", "DELETE FROM events"] {
                #expect(throws: RegistryError.self) { try registry.write { try $0.execute(sql: sql) } }
            }
            #expect(try registry.events(caseID: "lung-001").count == 1)
        }
    }

    @Test("A registry in a missing directory fails with the path in the message")
    func missingDirectory() {
        let path = "/nonexistent-\(UUID().uuidString)/registry.sqlite"
        do {
            _ = try Registry(path: path)
            Issue.record("opened \(path)")
        } catch {
            #expect("\(error)".hasPrefix("registry database \(path): "))
        }
    }
}
