/// Checks of non-identifier values before they are written; each failure is `RegistryError.invalidValue`
/// naming the field. SQLite binds text up to the first NUL, so NUL bytes are rejected everywhere.
enum FieldValidation {
    /// Largest job spec accepted, in bytes.
    static let maximumSpecBytes = 1 << 20
    /// Longest free-text message (errors, notes) kept; longer text is cut.
    static let maximumMessageBytes = 16 << 10

    static func checkRange<T: Comparable>(_ value: T, _ range: ClosedRange<T>, field: String) throws {
        guard range.contains(value) else {
            throw RegistryError.invalidValue(field: field, reason: "\(value) is outside \(range.lowerBound)...\(range.upperBound)")
        }
    }

    /// A relative path inside the store: 1...1024 bytes, no NUL or control characters, not absolute,
    /// no empty, `.` or `..` component.
    static func checkStorePath(_ path: String, field: String) throws {
        func reject(_ reason: String) -> RegistryError {
            .invalidValue(field: field, reason: "\(Identifier.quoted(path)) \(reason)")
        }
        guard !path.isEmpty else { throw reject("is empty") }
        guard path.utf8.count <= 1024 else { throw reject("is longer than 1024 bytes") }
        guard !path.unicodeScalars.contains(where: isControl) else { throw reject("contains control characters") }
        guard !path.hasPrefix("/") else { throw reject("must be relative to the store, not absolute") }
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !components.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) else {
            throw reject("must not contain empty, '.' or '..' components")
        }
    }

    /// A SHA-256 digest written as 64 lowercase hexadecimal digits.
    static func checkSHA256(_ digest: String, field: String) throws {
        let isHex = digest.utf8.allSatisfy { ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "f")) }
        guard digest.utf8.count == 64, isHex else {
            throw RegistryError.invalidValue(field: field, reason: "\(Identifier.quoted(digest)) is not 64 lowercase hexadecimal digits")
        }
    }

    /// Text stored verbatim: non-blank, at most `maximumBytes`, no NUL.
    static func checkText(_ text: String, field: String, maximumBytes: Int) throws {
        guard !text.allSatisfy(\.isWhitespace) else { throw RegistryError.invalidValue(field: field, reason: "is empty") }
        guard text.utf8.count <= maximumBytes else {
            throw RegistryError.invalidValue(field: field, reason: "is \(text.utf8.count) bytes; at most \(maximumBytes) allowed")
        }
        guard !text.utf8.contains(0) else { throw RegistryError.invalidValue(field: field, reason: "contains a NUL byte") }
    }

    /// A short label (lease owner): 1...`maximumBytes` bytes without control characters.
    static func checkLabel(_ label: String, field: String, maximumBytes: Int) throws {
        guard !label.isEmpty, label.utf8.count <= maximumBytes, !label.unicodeScalars.contains(where: isControl) else {
            throw RegistryError.invalidValue(
                field: field, reason: "\(Identifier.quoted(label)) must be 1...\(maximumBytes) bytes without control characters")
        }
    }

    /// Free text from the caller (error messages, notes) made storable: NUL bytes become `\0`, and the
    /// text is cut to `maximumMessageBytes`.
    static func storable(_ message: String) -> String {
        let escaped = message.replacingOccurrences(of: "\0", with: "\\0")
        guard escaped.utf8.count > maximumMessageBytes else { return escaped }
        var cut = ""
        var bytes = 0
        for character in escaped {
            bytes += character.utf8.count
            if bytes > maximumMessageBytes - 3 { break }
            cut.append(character)
        }
        return cut + "…"
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7F
    }
}
