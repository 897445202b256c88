import Core
import Yams

/// A YAML node together with its key path, with typed readers that throw `JobSpecError`s naming that path.
struct SpecValue {
    let node: Node
    let path: String

    var line: Int? { node.mark?.line }

    func error(_ reason: JobSpecError.Reason, _ message: String) -> JobSpecError {
        JobSpecError(reason, at: path, line: line, message)
    }

    /// A short rendering of the node for messages: scalars as written, collections by kind.
    var shown: String {
        switch node {
        case .scalar(let s): return s.style == .plain ? s.string : "\"\(s.string)\""
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        case .alias: return "an alias"
        }
    }

    private var plainScalar: String? {
        if case .scalar(let s) = node, s.style == .plain || s.style == .any { return s.string }
        return nil
    }

    /// The text of a scalar (quoted or plain); rejects null, collections and empty text.
    func string() throws(JobSpecError) -> String {
        guard case .scalar(let s) = node else { throw error(.wrongType, "expected a string, got \(shown)") }
        if s.style == .plain || s.style == .any, ["", "~", "null", "Null", "NULL"].contains(s.string) {
            throw error(.wrongType, "expected a string, got null")
        }
        return s.string
    }

    /// A finite plain decimal number (integers allowed) inside `interval`.
    func double(in interval: Interval) throws(JobSpecError) -> Double {
        guard let text = plainScalar else { throw error(.wrongType, "expected a number, got \(shown)") }
        if [".nan", ".inf", "+.inf", "-.inf"].contains(text.lowercased()) {
            throw error(.invalidValue, "\(text) is not a finite number")
        }
        guard let value = DecimalText.parse(text) else { throw error(.wrongType, "expected a number, got \(shown)") }
        guard value.isFinite else { throw error(.invalidValue, "\(text) is not a finite number") }
        guard interval.contains(value) else { throw error(.outOfRange, "\(text) is outside \(interval)") }
        return value
    }

    /// An integer (written as such or as an exactly integral decimal like `1e6` or `5.0`) inside `interval`.
    func int(in interval: ClosedRange<Int>) throws(JobSpecError) -> Int {
        _ = try double(in: Interval(Double(interval.lowerBound), Double(interval.upperBound)))
        guard let text = plainScalar, let (negative, magnitude) = DecimalText.integer(text),
              let value = Int(exactly: magnitude).map({ negative ? -$0 : $0 }),
              interval.contains(value) else {
            throw error(.wrongType, "expected an integer, got \(shown)")
        }
        return value
    }

    /// An unsigned 64-bit integer, written like every integer of a spec (`12`, `1e6`, `5.0`).
    func uint64() throws(JobSpecError) -> UInt64 {
        guard let text = plainScalar, let (negative, magnitude) = DecimalText.integer(text), !negative || magnitude == 0 else {
            throw error(.wrongType, "expected an integer in [0, \(UInt64.max)], got \(shown)")
        }
        return magnitude
    }

    /// `true` or `false` (any capitalisation YAML allows for these two words).
    func bool() throws(JobSpecError) -> Bool {
        switch plainScalar {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: throw error(.wrongType, "expected true or false, got \(shown)")
        }
    }

    /// A list of at most `maxCount` elements (and at least `minCount`), each with its indexed path.
    func list(count range: ClosedRange<Int> = 0...JobSpec.maxListCount) throws(JobSpecError) -> [SpecValue] {
        guard case .sequence(let seq) = node else { throw error(.wrongType, "expected a list, got \(shown)") }
        guard range.contains(seq.count) else {
            throw error(.outOfRange, "the list has \(seq.count) elements; \(range.lowerBound)…\(range.upperBound) are allowed")
        }
        return seq.enumerated().map { SpecValue(node: $0.element, path: "\(path)[\($0.offset)]") }
    }

    /// A mapping whose keys must all be in `allowed` (see `SpecMapping`).
    func mapping(allowed: [String], elsewhere: [String: String] = [:]) throws(JobSpecError) -> SpecMapping {
        try SpecMapping(self, allowed: allowed, elsewhere: elsewhere)
    }

    /// A string that is one of the raw values of `E`, with a "did you mean" hint otherwise.
    func choice<E: RawRepresentable & CaseIterable>(_ type: E.Type, what: String) throws(JobSpecError) -> E
    where E.RawValue == String {
        let text = try string()
        if let value = E(rawValue: text) { return value }
        let valid = E.allCases.map(\.rawValue)
        throw error(.invalidValue, "unknown \(what) \"\(text)\"\(Suggestion.hint(for: text, among: valid)); expected one of \(valid.joined(separator: ", "))")
    }

    /// A structure name by ``StructureName``'s rule (Core), the rule case files follow: every name a case can
    /// hold is accepted.
    func structureName() throws(JobSpecError) -> String {
        let text = try string()
        if let problem = StructureName.problem(text) { throw error(.invalidValue, problem) }
        return text
    }

    /// A name of 1…`maxLength` characters from `[A-Za-z0-9 ._-]`, not starting or ending with a space.
    func label(maxLength: Int, what: String) throws(JobSpecError) -> String {
        let text = try string()
        guard !text.isEmpty, text.count <= maxLength else {
            throw error(.invalidValue, "a \(what) must have 1…\(maxLength) characters, got \(text.count)")
        }
        let allowed = text.unicodeScalars.allSatisfy { s in
            s.isASCII && (s.properties.isAlphabetic || ("0"..."9").contains(s) || " ._-".unicodeScalars.contains(s))
        }
        guard allowed, text.first != " ", text.last != " " else {
            throw error(.invalidValue, "\(what) \"\(text.debugSafe)\" may use only letters, digits, space, '.', '_' and '-' (no leading or trailing space)")
        }
        return text
    }

    /// Three finite numbers `[x, y, z]` inside `interval`.
    func vector3(in interval: Interval) throws(JobSpecError) -> SIMD3<Double> {
        let items = try list(count: 3...3)
        var v = SIMD3<Double>()
        for axis in 0..<3 { v[axis] = try items[axis].double(in: interval) }
        return v
    }
}

extension String {
    /// The string with control and non-ASCII characters escaped, safe to print in an error message.
    var debugSafe: String {
        String(unicodeScalars.prefix(80).map { s -> String in
            s.isASCII && s.value >= 0x20 && s.value < 0x7f ? String(s) : "\\u{\(String(s.value, radix: 16))}"
        }.joined())
    }
}
