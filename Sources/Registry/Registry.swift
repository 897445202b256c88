import Foundation
import GRDB

/// The case registry: cases, jobs and their audit log in one SQLite file, shared by every rtcluster
/// process on the machine (CLI invocations, the MPI coordinator).
///
/// The file is opened as a GRDB `DatabasePool` in WAL mode: reads never block, writes are serialised
/// by SQLite. Every write runs in one `BEGIN IMMEDIATE` transaction, so the write lock is taken at the
/// start and the busy handler can wait for it; with the busy timeout (default 60 s) many processes can
/// write at once without "database is locked" failures. The handler retries every 2 ms (SQLite's own
/// timeout backs off to 100 ms naps and leaves the lock idle while writers sleep: 1000 submissions from
/// 20 pools took 4.7-8 s with it, 1.9-2.7 s with 2 ms naps, on a loaded 2-core machine). Each operation is one transaction: it either
/// happens entirely, with its audit event, or not at all. Only `RegistryError` is thrown.
public final class Registry: Sendable {
    /// Default time a write waits for another process's write lock before failing.
    public static let defaultBusyTimeoutSeconds = 60.0

    /// Path of the SQLite file.
    public let path: String
    /// True when the registry was opened read-only: every write fails with `RegistryError.readOnly`.
    public let isReadOnly: Bool
    let pool: DatabasePool

    /// Opens (creating if needed) the registry file at `path` and applies pending migrations.
    /// The parent directory must exist. Safe to call from many processes at once.
    ///
    /// With `readOnly`, the file must exist; it is opened without write access (it may belong to another
    /// user or be immutable), nothing is created or migrated, and a file that lacks migrations of this version
    /// throws `schemaNotMigrated` (except for migrations in `RegistrySchema.readableWithout`, which only add
    /// nullable columns read as NULL when absent). Either way a file with migrations this version does not know (written by a
    /// newer rtcluster) throws `unknownMigrations` before anything is written.
    public init(path: String, busyTimeoutSeconds: Double = Registry.defaultBusyTimeoutSeconds, readOnly: Bool = false) throws {
        guard busyTimeoutSeconds.isFinite, busyTimeoutSeconds >= 0 else {
            throw RegistryError.invalidValue(field: "busy timeout", reason: "\(busyTimeoutSeconds) s is not a finite non-negative duration")
        }
        self.path = path
        isReadOnly = readOnly
        var configuration = Configuration()
        configuration.busyMode = .callback(Registry.busyWait(timeoutSeconds: busyTimeoutSeconds))
        configuration.foreignKeysEnabled = true
        configuration.readonly = readOnly
        configuration.label = "rtcluster.registry"
        let applied: Set<String>
        do {
            (pool, applied) = try Registry.openPool(path: path, configuration: configuration)
        } catch let error as DatabaseError where readOnly && [.SQLITE_READONLY, .SQLITE_CANTOPEN].contains(error.resultCode) {
            throw RegistryError.database(path: path, message: "cannot be opened for reading: \(error.description); a registry in use"
                                         + " needs its -wal and -shm files readable, and SQLite must be able to create them when missing")
        } catch {
            throw Registry.mapError(error, path: path)
        }
        try checkSchema(applied: applied)
        if !readOnly { try migrate() }
    }

    /// Opens the pool and reads the applied migrations. A read-only open of a cleanly closed registry (no `-wal`
    /// file, or an empty one, and no `-shm`: no process has it open, as a running coordinator keeps its `-shm`) by a
    /// user who cannot write its directory fails, since SQLite cannot create the WAL index (`-shm`); with no WAL frames
    /// nothing is uncommitted, so the file is then opened as immutable (URI `immutable=1`: no locking, a snapshot of
    /// the file as it is; the system SQLite must accept URI file names).
    private static func openPool(path: String, configuration: Configuration) throws -> (DatabasePool, Set<String>) {
        func open(_ location: String) throws -> (DatabasePool, Set<String>) {
            let pool = try DatabasePool(path: location, configuration: configuration)
            return (pool, try pool.read { db in try RegistrySchema.migrator.appliedIdentifiers(db) })
        }
        do {
            return try open(path)
        } catch let error as DatabaseError
                    where configuration.readonly && [.SQLITE_READONLY, .SQLITE_CANTOPEN].contains(error.resultCode)
                    && ((try? FileManager.default.attributesOfItem(atPath: path + "-wal"))?[.size] as? NSNumber ?? 0).intValue == 0
                    && !FileManager.default.fileExists(atPath: path + "-shm") {
            guard let encoded = path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "?#%"))),
                  let opened = try? open("file:\(encoded)?immutable=1") else { throw error }
            return opened
        }
    }

    /// Refuses a file written by a newer schema and, when read-only, one that lacks migrations of this version.
    private func checkSchema(applied: Set<String>) throws {
        let known = RegistrySchema.migrator.migrations
        let unknown = applied.subtracting(known).sorted()
        guard unknown.isEmpty else { throw RegistryError.unknownMigrations(path: path, identifiers: unknown) }
        let missing = known.filter { !applied.contains($0) }
        if isReadOnly, missing.contains(where: { !RegistrySchema.readableWithout.contains($0) }) { throw RegistryError.schemaNotMigrated(path: path, missing: missing) }
    }

    /// Applies the schema migrations that are not yet in the file; a no-op when all are applied.
    ///
    /// GRDB reads the list of applied migrations before it takes the write lock, so a process racing
    /// another one on a new file can try to apply a migration the other has just committed; its
    /// transaction then fails and rolls back. The second pass sees the committed migration and skips it.
    public func migrate() throws {
        guard !isReadOnly else { throw RegistryError.readOnly(path: path, detail: "opened read-only") }
        let migrator = RegistrySchema.migrator
        do {
            try migrator.migrate(pool)
        } catch {
            do {
                try migrator.migrate(pool)
            } catch {
                throw Registry.mapError(error, path: path)
            }
        }
    }

    /// A busy handler that naps 2 ms between attempts to take a lock and gives up once `timeoutSeconds` of wall
    /// clock have passed since the first attempt (counting naps instead would stretch the wait on a loaded machine,
    /// where each nap oversleeps). SQLite calls it on the thread running the statement with the count of earlier
    /// calls for the same lock wait; a call that does not continue the last count (0, or any other jump) begins a
    /// new wait. The wait's start and last count are kept per thread.
    static func busyWait(timeoutSeconds: Double) -> Database.BusyCallback {
        let napMicroseconds: UInt32 = 2_000
        let timeoutNanoseconds = timeoutSeconds * 1e9
        return { naps in
            let now = DispatchTime.now().uptimeNanoseconds
            let slot = Thread.current.threadDictionary
            let wait: BusyWait
            if let current = slot[BusyWait.key] as? BusyWait { wait = current } else { wait = BusyWait(); slot[BusyWait.key] = wait }
            if naps == 0 || naps != wait.naps + 1 { wait.since = now }
            wait.naps = naps
            guard Double(now >= wait.since ? now - wait.since : 0) < timeoutNanoseconds else { return false }
            usleep(napMicroseconds)
            return true
        }
    }

    /// One thread's current lock wait: its start (uptime, ns) and the last count SQLite passed.
    private final class BusyWait {
        static let key = "rtcluster.registry.busyWait"
        var since: UInt64 = 0
        var naps = -1
    }

    /// Runs `body` in one immediate write transaction; errors become `RegistryError`.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        guard !isReadOnly else { throw RegistryError.readOnly(path: path, detail: "opened read-only") }
        do {
            return try pool.write(body)
        } catch {
            throw Registry.mapError(error, path: path)
        }
    }

    /// Runs `body` on a consistent snapshot; errors become `RegistryError`.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.read(body)
        } catch {
            throw Registry.mapError(error, path: path)
        }
    }

    /// Appends one audit event inside the caller's transaction.
    func appendEvent(_ db: Database, at: Date, kind: EventKind, jobID: Int64?, caseID: String?, message: String) throws {
        try db.execute(
            sql: "INSERT INTO events (at, job_id, case_id, kind, message) VALUES (?, ?, ?, ?, ?)",
            arguments: [at, jobID, caseID, kind, message])
    }

    static func mapError(_ error: any Error, path: String) -> RegistryError {
        if let registryError = error as? RegistryError { return registryError }
        if let row = error as? UnreadableRow {
            return .corruptRow(path: path, table: row.table, row: row.row, column: row.column, reason: row.reason)
        }
        if let databaseError = error as? DatabaseError {
            if databaseError.resultCode == .SQLITE_READONLY {
                return .readOnly(path: path, detail: databaseError.message ?? "attempt to write a readonly database")
            }
            if databaseError.resultCode == .SQLITE_CORRUPT || databaseError.resultCode == .SQLITE_NOTADB {
                return .database(path: path, message: databaseError.description + " (the file is damaged: restore it from a backup)")
            }
            return .database(path: path, message: databaseError.description)
        }
        return .database(path: path, message: String(describing: error))
    }
}
