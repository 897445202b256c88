/// Builds canonical YAML text line by line: block mappings indented by two spaces, list items
/// introduced by `- `, strings always double-quoted, numbers in their shortest round-trip form.
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

    /// `"text"`; callers only pass names already restricted to `[A-Za-z0-9 ._-]`.
    static func quoted(_ s: String) -> String { "\"\(s)\"" }

    /// Shortest decimal text that parses back to `x`.
    static func number(_ x: Double) -> String { DecimalText.format(x) }

    /// `[a, b, c]`.
    static func flowList(_ items: [String]) -> String { "[\(items.joined(separator: ", "))]" }

    /// `[x, y, z]`.
    static func vector(_ v: SIMD3<Double>) -> String { flowList([v.x, v.y, v.z].map(number)) }
}
