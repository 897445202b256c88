/// Builds canonical YAML text line by line: block mappings indented by two spaces, list items
/// introduced by `- `, strings always double-quoted (escaped so they parse back unchanged), numbers in their shortest round-trip form.
struct YAMLWriter {
    private(set) var text = ""
    private var indent = 0
    private var dashPending = false

    /// `key: value` at the current indentation.
    mutating func line(_ key: String, _ value: String) {
        text += prefix() + "\(key): \(value)\n"
    }

    /// `key:` followed by the lines `body` writes, indented one level deeper.
    mutating func block(_ key: String, _ body: (inout YAMLWriter) -> Void) {
        text += prefix() + "\(key):\n"
        indent += 2
        body(&self)
        indent -= 2
    }

    /// One list item whose first line `body` writes after `- `; later lines align with it.
    mutating func item(_ body: (inout YAMLWriter) -> Void) {
        dashPending = true
        indent += 2
        body(&self)
        indent -= 2
    }

    private mutating func prefix() -> String {
        if dashPending {
            dashPending = false
            return String(repeating: " ", count: indent - 2) + "- "
        }
        return String(repeating: " ", count: indent)
    }

    /// `s` as a YAML double-quoted scalar that parses back to `s` (except a leading byte order mark, which the parser
    /// drops even escaped; structure names cannot hold one): `"` and `\` escaped, and every scalar
    /// outside YAML's printable set on one line (C0/C1 controls, DEL, U+2028/U+2029, the BOM, surrogates,
    /// U+FFFE/U+FFFF) written as `\uXXXX` or `\UXXXXXXXX`; `#`, `:`, `&`, `*`, `!`, `{`, `[`, `- ` and other
    /// text stays literal inside the quotes.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default:
                if printableInLine(scalar) {
                    out.unicodeScalars.append(scalar)
                } else {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    out += scalar.value <= 0xFFFF ? "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                                                  : "\\U" + String(repeating: "0", count: 8 - hex.count) + hex
                }
            }
        }
        return out + "\""
    }

    /// YAML 1.2 `c-printable` minus line breaks, tab and the BOM, and minus U+0085/U+2028/U+2029 (line breaks to
    /// YAML 1.1 parsers).
    private static func printableInLine(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x20...0x7E, 0xA0...0x2027, 0x202A...0xD7FF, 0xE000...0xFEFE, 0xFF00...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }

    /// Shortest decimal text that parses back to `x`.
    static func number(_ x: Double) -> String { DecimalText.format(x) }

    /// `[a, b, c]`.
    static func flowList(_ items: [String]) -> String { "[\(items.joined(separator: ", "))]" }

    /// `[x, y, z]`.
    static func vector(_ v: SIMD3<Double>) -> String { flowList([v.x, v.y, v.z].map(number)) }
}
