/// The kind of name an identifier stands for; used in error messages.
public enum IdentifierRole: String, Sendable, CaseIterable {
    case caseID = "case id"
    case site = "site"
    case jobKind = "job kind"
}

/// Identifier grammar shared by case ids, site names and job kinds, checked before anything touches
/// the store or the database: `^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$` and no `..` anywhere.
///
/// An identifier that passes is safe as a single path component and in any log line: it is ASCII,
/// 1...64 bytes, contains no `/`, no NUL, no whitespace or quotes, and is neither `.` nor `..`.
public enum Identifier {
    /// Longest accepted identifier, in bytes (all accepted bytes are ASCII).
    public static let maximumLength = 64

    /// Throws `RegistryError.invalidIdentifier` unless `value` follows the identifier grammar.
    public static func validate(_ value: String, as role: IdentifierRole) throws {
        func reject(_ reason: String) -> RegistryError {
            .invalidIdentifier(role: role, value: value, reason: reason)
        }
        let bytes = Array(value.utf8)
        guard let first = bytes.first else { throw reject("is empty") }
        guard bytes.count <= maximumLength else {
            throw reject("is \(bytes.count) bytes long; at most \(maximumLength) allowed")
        }
        guard isAlphanumeric(first) else { throw reject("must start with a letter or a digit") }
        for (offset, byte) in bytes.enumerated() where !(isAlphanumeric(byte) || byte == dot || byte == underscore || byte == hyphen) {
            let shown = byte < 0x80 ? Unicode.Scalar(byte).escaped(asASCII: true) : "non-ASCII byte"
            throw reject("character '\(shown)' at byte \(offset) is not allowed (only letters, digits, '.', '_', '-')")
        }
        if value.contains("..") { throw reject("must not contain '..'") }
    }

    /// `value` in double quotes with control characters escaped, shortened to `limit` characters
    /// (the full byte count is appended when shortened). Used to echo untrusted input in errors.
    static func quoted(_ value: String, limit: Int = 48) -> String {
        var text = ""
        var count = 0
        for scalar in value.unicodeScalars {
            if count == limit {
                return "\"\(text)…\" (\(value.utf8.count) bytes)"
            }
            text += scalar.escaped(asASCII: false)
            count += 1
        }
        return "\"\(text)\""
    }

    private static let dot = UInt8(ascii: "."), underscore = UInt8(ascii: "_"), hyphen = UInt8(ascii: "-")

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }
}
