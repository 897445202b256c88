import GRDB

/// The registry's schema as ordered `DatabaseMigrator` migrations. Applying them to a database that
/// already has them is a no-op; a new migration is appended, never edited.
enum RegistrySchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1 cases, jobs, events") { db in
            try createCases(db)
            try createJobs(db)
            try createEvents(db)
        }
        migrator.registerMigration(resultDigests) { db in
            try db.alter(table: "jobs") { t in t.add(column: "result_sha256", .text) }
        }
        return migrator
    }

    /// Adds `jobs.result_sha256` (nullable: jobs that succeeded before it have no digest).
    static let resultDigests = "v2 result digests"

    /// Migrations a read-only open may find missing: they only add nullable columns that the records read as NULL
    /// when absent, so a registry last written by the previous version still reads (a write migrates it first).
    static let readableWithout: Set<String> = [resultDigests]

    private static func createCases(_ db: Database) throws {
        try db.create(table: "cases") { t in
            t.primaryKey("id", .text)
            t.column("site", .text).notNull()
            t.column("created", .datetime).notNull()
            t.column("case_path", .text).notNull()
            t.column("sha256", .text).notNull()
            t.column("nx", .integer).notNull().check { $0 > 0 }
            t.column("ny", .integer).notNull().check { $0 > 0 }
            t.column("nz", .integer).notNull().check { $0 > 0 }
            t.column("spacing_x_mm", .double).notNull().check { $0 > 0 }
            t.column("spacing_y_mm", .double).notNull().check { $0 > 0 }
            t.column("spacing_z_mm", .double).notNull().check { $0 > 0 }
            t.column("structures", .jsonText).notNull()
        }
        try db.create(index: "cases_by_site", on: "cases", columns: ["site", "created"])
    }

    private static func createJobs(_ db: Database) throws {
        try db.create(table: "jobs") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("case_id", .text).notNull().references("cases", onDelete: .restrict)
            t.column("kind", .text).notNull().check { length($0) > 0 }
            t.column("spec", .text).notNull()
            t.column("state", .text).notNull().check { JobState.allCases.map(\.rawValue).contains($0) }
            t.column("priority", .integer).notNull().check { $0 >= 0 && $0 <= 1000 }
            t.column("attempts", .integer).notNull().defaults(to: 0).check { $0 >= 0 }
            t.column("max_attempts", .integer).notNull().check { $0 >= 1 }
            t.column("submitted_at", .datetime).notNull()
            t.column("started_at", .datetime)
            t.column("finished_at", .datetime)
            t.column("lease_expires_at", .datetime)
            t.column("lease_owner", .text)
            t.column("progress_done", .integer).notNull().defaults(to: 0)
            t.column("progress_total", .integer).notNull().defaults(to: 0)
            t.column("error", .text)
            t.column("result_path", .text)
        }
        // Claim order: highest priority, then oldest submission, then lowest id.
        try db.execute(sql: "CREATE INDEX jobs_claim_order ON jobs (state, priority DESC, submitted_at, id)")
        try db.create(index: "jobs_by_lease", on: "jobs", columns: ["state", "lease_expires_at"])
        try db.create(index: "jobs_by_case", on: "jobs", columns: ["case_id"])
    }

    private static func createEvents(_ db: Database) throws {
        try db.create(table: "events") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("at", .datetime).notNull()
            t.column("job_id", .integer).references("jobs", onDelete: .restrict)
            t.column("case_id", .text).references("cases", onDelete: .restrict)
            t.column("kind", .text).notNull().check { EventKind.allCases.map(\.rawValue).contains($0) }
            t.column("message", .text).notNull()
        }
        try db.create(index: "events_by_job", on: "events", columns: ["job_id"])
        try db.create(index: "events_by_case", on: "events", columns: ["case_id"])
        try db.execute(sql: """
            CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
            BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
            CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
            BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
            """)
    }
}
