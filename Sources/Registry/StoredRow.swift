import GRDB

/// Reads the columns of one stored row with GRDB's throwing decoders. GRDB's subscripts (`row["x"]`) trap
/// on a value that does not convert; a registry edited outside rtcluster or with damaged pages must instead
/// give an error naming the table, row and column (`RegistryError.corruptRow`, via `Registry.mapError`).
struct StoredRow {
    let row: Row
    let table: String
    /// How the row is named in errors: its key value as SQLite shows it, e.g. `7` or `"lung-001"`.
    let name: String

    init(_ row: Row, table: String, key: String = "id") {
        self.row = row
        self.table = table
        let value = (try? row.decode(DatabaseValue.self, forColumn: key)) ?? .null
        name = value.isNull ? "(no \(key))" : value.description
    }

    /// The value of `column` as `Value` (an optional type accepts NULL).
    func callAsFunction<Value: DatabaseValueConvertible>(_ column: String, as type: Value.Type = Value.self) throws -> Value {
        do {
            return try row.decode(Value.self, forColumn: column)
        } catch {
            let stored = (try? row.decode(DatabaseValue.self, forColumn: column)) ?? .null
            throw failure(column, "stored value \(Self.shown(stored)) is not a valid \(Self.typeName(Value.self))")
        }
    }

    /// An error about `column` of this row.
    func failure(_ column: String, _ reason: String) -> UnreadableRow {
        UnreadableRow(table: table, row: name, column: column, reason: reason)
    }

    /// A stored value for an error message, shortened.
    private static func shown(_ value: DatabaseValue) -> String {
        let text = value.description
        return text.count > 60 ? String(text.prefix(60)) + "…" : text
    }

    /// "Date", "Int", "JobState"; "Date or NULL" for optionals.
    private static func typeName<Value>(_ type: Value.Type) -> String {
        let name = String(describing: type)
        if name.hasPrefix("Optional<"), name.hasSuffix(">") { return String(name.dropFirst(9).dropLast()) + " or NULL" }
        return name
    }
}

/// A stored row that cannot be read; `Registry.mapError` turns it into `RegistryError.corruptRow` with the file path.
struct UnreadableRow: Error {
    let table: String, row: String, column: String, reason: String
}
