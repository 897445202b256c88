import Foundation

/// Errors raised by the case registry. Every registry operation throws only this type.
public enum RegistryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No case with this id is registered.
    case caseNotFound(String)
    /// No job with this id exists.
    case jobNotFound(Int64)
    /// A case with this id is already registered.
    case duplicateCase(String)
    /// The job state machine forbids going from `from` to `to` (see `JobState.canTransition(to:)`).
    case illegalTransition(job: Int64, from: JobState, to: JobState)
    /// The caller does not hold the job's lease: the job is not running, or it runs under another owner.
    case leaseNotHeld(job: Int64, owner: String, state: JobState, holder: String?)
    /// A case id, site or job kind does not follow the identifier grammar (see `Identifier`).
    case invalidIdentifier(role: IdentifierRole, value: String, reason: String)
    /// A value is out of range or malformed (priority, attempts, lease, path, checksum, text...).
    case invalidValue(field: String, reason: String)
    /// SQLite reported an error; `message` is the underlying SQLite message.
    case database(path: String, message: String)
    /// A stored value cannot be read back as its type (a malformed date, an unknown state, damaged pages...):
    /// the registry file was changed outside rtcluster or is damaged.
    case corruptRow(path: String, table: String, row: String, column: String, reason: String)
    /// A write was attempted on a registry that is opened read-only or whose file cannot be written.
    case readOnly(path: String, detail: String)
    /// The file carries schema migrations this version does not know: it was written by a newer rtcluster.
    case unknownMigrations(path: String, identifiers: [String])
    /// The file lacks migrations this version needs, and they cannot be applied (the registry is opened read-only).
    case schemaNotMigrated(path: String, missing: [String])

    public var description: String {
        switch self {
        case .caseNotFound(let id):
            return "case \(Identifier.quoted(id)) is not in the registry"
        case .jobNotFound(let id):
            return "job \(id) is not in the registry"
        case .duplicateCase(let id):
            return "case \(Identifier.quoted(id)) is already registered; choose another case id"
        case .illegalTransition(let job, let from, let to):
            if from.isTerminal {
                return "job \(job) cannot go from \(from) to \(to): \(from) is a final state"
            }
            let allowed = JobState.allCases.filter { from.canTransition(to: $0) }.map(\.rawValue)
            return "job \(job) cannot go from \(from) to \(to) (from \(from) only: \(allowed.joined(separator: ", ")))"
        case .leaseNotHeld(let job, let owner, let state, let holder):
            let now = state == .running ? "it runs under owner \(Identifier.quoted(holder ?? ""))" : "it is \(state)"
            return "job \(job) is not leased by \(Identifier.quoted(owner)): \(now)"
        case .invalidIdentifier(let role, let value, let reason):
            return "invalid \(role.rawValue) \(Identifier.quoted(value)): \(reason)"
        case .invalidValue(let field, let reason):
            return "invalid \(field): \(reason)"
        case .database(let path, let message):
            return "registry database \(path): \(message)"
        case .corruptRow(let path, let table, let row, let column, let reason):
            return "registry database \(path): table \(table), row \(row), column \(column) is unreadable (\(reason));"
                + " the file was changed outside rtcluster or is damaged: restore it from a backup"
        case .readOnly(let path, let detail):
            return "registry database \(path) is read-only (\(detail)); this command changes the registry:"
                + " run it as a user who can write the file and its directory"
        case .unknownMigrations(let path, let identifiers):
            return "registry database \(path) has schema migrations this rtcluster does not know"
                + " (\(identifiers.map { Identifier.quoted($0) }.joined(separator: ", "))): it was written by a newer version"
                + " (use that version or a later one with this data directory), or it is damaged (restore it from a backup)"
        case .schemaNotMigrated(let path, let missing):
            return "registry database \(path) lacks the schema migrations \(missing.map { Identifier.quoted($0) }.joined(separator: ", "))"
                + " and is opened read-only, so they cannot be applied: run a command that changes the registry"
                + " (e.g. `rtcluster worker --drain`) once as a user who can write it"
        }
    }
}
