import Foundation
import GRDB
import Testing
@testable import Registry

/// A registry file changed outside rtcluster (malformed values, a newer schema) or opened read-only: every
/// operation throws a `RegistryError` naming what is wrong, never traps, and a read-only open writes nothing.
@Suite("Damaged, newer and read-only registries")
struct DamagedRegistryTests {
    /// Runs raw SQL on the file behind the registry's back (checks and the append-only triggers switched off).
    private func tamper(_ registry: Registry, _ sql: String) throws {
        try registry.write { db in
            try db.execute(sql: "PRAGMA ignore_check_constraints = ON")
            try db.execute(sql: "DROP TRIGGER IF EXISTS events_append_only_update")
            try db.execute(sql: "DROP TRIGGER IF EXISTS events_append_only_delete")
            try db.execute(sql: sql)
        }
    }

    /// The `corruptRow` error `body` throws; records an issue when it throws something else or nothing.
    private func corruptRow<T>(_ body: () throws -> T) -> (table: String, row: String, column: String)? {
        do {
            _ = try body()
            Issue.record("no error")
        } catch RegistryError.corruptRow(_, let table, let row, let column, _) {
            return (table, row, column)
        } catch {
            Issue.record("unexpected error \(error)")
        }
        return nil
    }

    @Test("A malformed stored value gives corruptRow naming table, row and column in every read")
    func malformedValues() throws {
        try withScratchRegistry { registry, path in
            try registry.addCase(sampleCase())
            let job = try registry.submitJob(caseID: "lung-001", kind: "plan", specText: "kind: plan", now: t0)
            let jobCases: [(column: String, value: String)] = [
                ("submitted_at", "'not-a-date'"), ("state", "'exploded'"), ("priority", "'high'"),
                ("started_at", "x'00ff'"), ("attempts", "'two'"),
            ]
            for (column, value) in jobCases {
                let fresh = try registry.submitJob(caseID: "lung-001", kind: "plan", specText: "kind: plan", now: t0)
                try tamper(registry, "UPDATE jobs SET \(column) = \(value) WHERE id = \(fresh.id)")
                let reads: [() throws -> Any] = [
                    { try registry.job(id: fresh.id) }, { try registry.jobs() }, { try registry.jobs(caseID: "lung-001") },
                ]
                for read in reads {
                    let found = corruptRow(read)
                    #expect(found?.table == "jobs" && found?.row == "\(fresh.id)" && found?.column == column, "\(column): \(String(describing: found))")
                }
                if column == "state" {
                    let counted = corruptRow { try registry.jobCounts() }
                    #expect(counted?.table == "jobs" && counted?.column == "state")
                }
                // A write that reads the row fails the same way and changes nothing.
                #expect(corruptRow { try registry.cancel(jobID: fresh.id) }?.column == column)
                try tamper(registry, "DELETE FROM events WHERE job_id = \(fresh.id)")
                try tamper(registry, "DELETE FROM jobs WHERE id = \(fresh.id)")
            }
            #expect(try registry.job(id: job.id) == job)

            try tamper(registry, "UPDATE events SET at = 'yesterday' WHERE job_id = \(job.id)")
            let event = corruptRow { try registry.events(jobID: job.id) }
            #expect(event?.table == "events" && event?.column == "at")

            for (column, value) in [("created", "'soon'"), ("nx", "'many'"), ("spacing_y_mm", "'wide'"), ("structures", "'[1, 2'")] {
                let id = "case-\(column.replacingOccurrences(of: "_", with: "-"))"
                try registry.addCase(sampleCase(id: id))
                try tamper(registry, "UPDATE cases SET \(column) = \(value) WHERE id = '\(id)'")
                let found = corruptRow { try registry.caseRecord(id: id) }
                #expect(found?.table == "cases" && found?.row == "\"\(id)\"" && found?.column == column, "\(column): \(String(describing: found))")
                #expect(corruptRow { try registry.cases() }?.column == column)
                try tamper(registry, "DELETE FROM events WHERE case_id = '\(id)'")
                try tamper(registry, "DELETE FROM cases WHERE id = '\(id)'")
            }
            // The message names the file, the place and the value.
            try tamper(registry, "UPDATE jobs SET submitted_at = 'not-a-date' WHERE id = \(job.id)")
            do {
                _ = try registry.job(id: job.id)
                Issue.record("read a malformed row")
            } catch {
                let text = "\(error)"
                #expect(text.contains(path) && text.contains("table jobs, row \(job.id), column submitted_at") && text.contains("not-a-date"), "\(text)")
            }
        }
    }

    @Test("Jobs of an unknown case: caseNotFound, not an empty list")
    func jobsOfUnknownCase() throws {
        try withScratchRegistry { registry, _ in
            try registry.addCase(sampleCase())
            #expect(try registry.jobs(caseID: "lung-001").isEmpty)
            #expect(throws: RegistryError.caseNotFound("nosuch")) { try registry.jobs(caseID: "nosuch") }
        }
    }

    @Test("A registry with a migration from a newer version is refused before anything is written")
    func newerSchema() throws {
        try withScratchRegistry { registry, path in
            try registry.addCase(sampleCase())
            try registry.write { try $0.execute(sql: "INSERT INTO grdb_migrations VALUES ('v99-from-the-future')") }
            for readOnly in [false, true] {
                #expect(throws: RegistryError.unknownMigrations(path: path, identifiers: ["v99-from-the-future"])) {
                    try Registry(path: path, readOnly: readOnly)
                }
            }
            #expect(try rowCounts(registry) == ["cases": 1, "jobs": 0, "events": 1])
            #expect("\(RegistryError.unknownMigrations(path: path, identifiers: ["v99-from-the-future"]))".contains("newer version"))
        }
    }

    @Test("Read-only: reads work, every write and migrate throw readOnly, the file is unchanged")
    func readOnlyOpen() throws {
        try withScratchRegistry { writer, path in
            try writer.addCase(sampleCase())
            let job = try writer.submitJob(caseID: "lung-001", kind: "plan", specText: "kind: plan", now: t0)
            let reader = try Registry(path: path, readOnly: true)
            #expect(reader.isReadOnly)
            #expect(try reader.job(id: job.id) == job)
            #expect(try reader.caseRecord(id: "lung-001") == sampleCase())
            #expect(try reader.events(jobID: job.id).count == 1)
            #expect(try reader.jobCounts()[.queued] == 1)
            let writes: [() throws -> Any] = [
                { try reader.addCase(sampleCase(id: "lung-002")) },
                { try reader.submitJob(caseID: "lung-001", kind: "plan", specText: "kind: plan") },
                { try reader.cancel(jobID: job.id) },
                { try reader.claimNextJob(owner: "w1", leaseSeconds: 60) as Any },
                { try reader.addNote(jobID: job.id, message: "hello") },
                { try reader.migrate() },
            ]
            for write in writes {
                do {
                    _ = try write()
                    Issue.record("a read-only registry accepted a write")
                } catch let error as RegistryError {
                    guard case .readOnly = error else { Issue.record("unexpected \(error)"); continue }
                    #expect("\(error)".contains("\(path) is read-only"))
                }
            }
            #expect(try rowCounts(writer) == ["cases": 1, "jobs": 1, "events": 2])
            // A change made by a writer is seen by the read-only registry (no stale snapshot).
            _ = try writer.cancel(jobID: job.id, now: t0)
            #expect(try reader.job(id: job.id).state == .cancelled)
        }
    }

    @Test("Read-only open of an empty or older file: schemaNotMigrated, nothing created")
    func readOnlyUnmigrated() throws {
        let directory = try makeScratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("registry.sqlite").path
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let all = RegistrySchema.migrator.migrations
        #expect(throws: RegistryError.schemaNotMigrated(path: path, missing: all)) { try Registry(path: path, readOnly: true) }
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int == 0)
        // A read-write open migrates it; a read-only one then works.
        _ = try Registry(path: path)
        #expect(try Registry(path: path, readOnly: true).jobs().isEmpty)
    }

    @Test("A write on a file the process cannot write throws readOnly, not a bare SQLite error")
    func unwritableFile() throws {
        // SQLite's own read-only flag on a read-write registry: what it reports when the file is not writable.
        try withScratchRegistry { registry, path in
            do {
                try registry.write { db in try db.execute(sql: "PRAGMA query_only = ON; INSERT INTO events (at, kind, message) VALUES (0, 'note', 'x')") }
                Issue.record("query_only connection wrote")
            } catch let error as RegistryError {
                guard case .readOnly(path, _) = error else { Issue.record("unexpected \(error)"); return }
            }
        }
    }
}
