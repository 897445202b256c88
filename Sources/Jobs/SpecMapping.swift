import Yams

/// A YAML mapping read against a fixed set of allowed keys: unknown keys (with a "did you mean" hint),
/// keys allowed elsewhere (with an explanation), non-string keys and duplicate keys are rejected.
struct SpecMapping {
    let value: SpecValue
    private let entries: [String: Node]

    /// Reads `value` as a mapping. `elsewhere` maps keys that belong to other job kinds or levels
    /// to a sentence saying where they belong.
    init(_ value: SpecValue, allowed: [String], elsewhere: [String: String]) throws(JobSpecError) {
        guard case .mapping(let mapping) = value.node else {
            throw value.error(.wrongType, "expected a mapping of keys to values, got \(value.shown)")
        }
        guard mapping.count <= JobSpec.maxListCount else {
            throw value.error(.outOfRange, "the mapping has \(mapping.count) keys")
        }
        var entries: [String: Node] = [:]
        for (keyNode, child) in mapping {
            let keyValue = SpecValue(node: keyNode, path: value.path)
            guard case .scalar(let keyScalar) = keyNode else {
                throw keyValue.error(.wrongType, "keys must be plain names, got \(keyValue.shown)")
            }
            let key = keyScalar.string
            let keyPath = SpecMapping.join(value.path, key.debugSafe)
            guard entries[key] == nil else {
                throw JobSpecError(.duplicateKey, at: keyPath, line: keyNode.mark?.line, "the key appears more than once")
            }
            guard allowed.contains(key) else {
                if let note = elsewhere[key] {
                    throw JobSpecError(.unknownKey, at: keyPath, line: keyNode.mark?.line, "not allowed here: \(note)")
                }
                let hint = key.count <= 64 ? Suggestion.hint(for: key, among: allowed) : ""
                throw JobSpecError(.unknownKey, at: keyPath, line: keyNode.mark?.line,
                                   "unknown key\(hint); allowed keys here: \(allowed.joined(separator: ", "))")
            }
            entries[key] = child
        }
        self.value = value
        self.entries = entries
    }

    /// `parent.key`, or `key` at the top level.
    static func join(_ parent: String, _ key: String) -> String {
        parent.isEmpty ? key : "\(parent).\(key)"
    }

    /// The value under `key`, or nil when the key is absent.
    func optional(_ key: String) -> SpecValue? {
        entries[key].map { SpecValue(node: $0, path: SpecMapping.join(value.path, key)) }
    }

    /// The value under `key`; `missingKey` when absent.
    func required(_ key: String, _ what: String) throws(JobSpecError) -> SpecValue {
        guard let v = optional(key) else {
            throw JobSpecError(.missingKey, at: SpecMapping.join(value.path, key), line: value.line, "missing: \(what)")
        }
        return v
    }

    /// True when `key` is present.
    func has(_ key: String) -> Bool { entries[key] != nil }

    /// A number under `key`, or `fallback` when absent.
    func double(_ key: String, default fallback: Double, in interval: Interval) throws(JobSpecError) -> Double {
        try optional(key)?.double(in: interval) ?? fallback
    }

    /// An integer under `key`, or `fallback` when absent.
    func int(_ key: String, default fallback: Int, in range: ClosedRange<Int>) throws(JobSpecError) -> Int {
        try optional(key)?.int(in: range) ?? fallback
    }
}
