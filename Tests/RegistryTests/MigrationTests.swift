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
        #expect(try first.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM grdb_migrations") } == RegistrySchema.migrator.migrations.count)
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

    @Test("Result digests: stored with the success; a registry without the column reads read-only and migrates on a write")
    func resultDigests() throws {
        let directory = try makeScratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("registry.sqlite").path
        let registry = try Registry(path: path)
        try registry.addCase(sampleCase())
        let digest = String(repeating: "0f", count: 32)
        let old = try job(in: .succeeded, registry)
        #expect(old.resultSHA256 == nil)
        let queued = try registry.submitJob(caseID: "lung-001", kind: "plan", specText: "kind: plan\n", now: t0)
        _ = try #require(try claim(registry, queued.id))
        #expect(throws: RegistryError.self) {
            try registry.markSucceeded(jobID: queued.id, owner: "w1", resultPath: "results/2.h5", resultSHA256: "XYZ", now: t0)
        }
        let done = try registry.markSucceeded(jobID: queued.id, owner: "w1", resultPath: "results/2.h5", resultSHA256: digest, now: t0)
        #expect(done.resultSHA256 == digest)
        #expect(try Registry(path: path, readOnly: true).job(id: queued.id).resultSHA256 == digest)
        // A registry of the previous version: no column, no migration. Read-only commands still read it.
        try registry.write { db in
            try db.execute(sql: "ALTER TABLE jobs DROP COLUMN result_sha256")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = ?", arguments: [RegistrySchema.resultDigests])
        }
        let reader = try Registry(path: path, readOnly: true)
        #expect(try reader.job(id: queued.id).resultSHA256 == nil)
        #expect(try reader.jobs().count == 2)
        // A read-write open migrates it back.
        let writer = try Registry(path: path)
        #expect(try writer.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM pragma_table_info('jobs') WHERE name = 'result_sha256'") } == 1)
    }

    @Test("The queued event counts attempts in the right number")
    func queuedEventGrammar() throws {
        try withScratchRegistry { registry, _ in
            try registry.addCase(sampleCase())
            let one = try registry.submitJob(caseID: "lung-001", kind: "plan", specText: "kind: plan", maxAttempts: 1, now: t0)
            let two = try registry.submitJob(caseID: "lung-001", kind: "plan", specText: "kind: plan", maxAttempts: 2, now: t0)
            #expect(try registry.events(jobID: one.id).first?.message.hasSuffix("at most 1 attempt)") == true)
            #expect(try registry.events(jobID: two.id).first?.message.hasSuffix("at most 2 attempts)") == true)
        }
    }
}
