import Yams

/// Turns spec text into exactly one YAML node tree, translating every Yams failure into a `JobSpecError`.
enum YAMLDocument {
    /// The single document of `text`; rejects oversize text, forbidden constructs (see `YAMLPrescan`),
    /// syntax errors, duplicate keys, empty text and multi-document streams.
    static func compose(_ text: String) throws(JobSpecError) -> Node {
        let bytes = text.utf8.count
        guard bytes <= JobSpec.maxSpecBytes else {
            throw JobSpecError(.fileTooLarge, at: "", "the spec has \(bytes) bytes; at most \(JobSpec.maxSpecBytes) are accepted")
        }
        try YAMLPrescan.check(text)
        let root: Node
        do {
            let parser = try Parser(yaml: text)
            guard let first = try parser.nextRoot() else {
                throw JobSpecError(.emptyDocument, at: "", "the spec is empty; it needs at least `kind:`")
            }
            if let second = try parser.nextRoot() {
                throw JobSpecError(.multipleDocuments, at: "", line: second.mark?.line,
                                   "the text holds more than one YAML document (---); give one job per file")
            }
            root = first
        } catch let error as JobSpecError {
            throw error
        } catch let error as YamlError {
            throw translate(error, text: text)
        } catch {
            throw JobSpecError(.syntax, at: "", "\(error)")
        }
        if case .scalar(let s) = root, s.style == .plain, ["", "~", "null", "Null", "NULL"].contains(s.string) {
            throw JobSpecError(.emptyDocument, at: "", "the spec is empty; it needs at least `kind:`")
        }
        return root
    }

    private static func translate(_ error: YamlError, text: String) -> JobSpecError {
        switch error {
        case .duplicatedKeysInMapping(let keys, let context):
            let key = keys.first ?? ""
            let path = pathOfDuplicate(key: key, at: context.mark, in: text) ?? key.debugSafe
            return JobSpecError(.duplicateKey, at: path, line: context.mark.line,
                                "the key \"\(key.debugSafe)\" appears more than once in its mapping")
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let detail = context.map { " (\($0.text))" } ?? ""
            return JobSpecError(.syntax, at: "", line: mark.line, "invalid YAML: \(problem)\(detail)")
        case .reader(let problem, _, _, _):
            return JobSpecError(.syntax, at: "", "unreadable text: \(problem)")
        default:
            return JobSpecError(.syntax, at: "", "invalid YAML: \(error)")
        }
    }

    /// Finds the key path of a duplicated key: renames its first occurrence (at `mark`) to a probe
    /// name, parses again and looks for the probe in the tree. Nil when that does not work out
    /// (e.g. the key appears three times).
    private static func pathOfDuplicate(key: String, at mark: Mark, in text: String) -> String? {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard mark.line >= 1, mark.line <= lines.count else { return nil }
        let scalars = Array(lines[mark.line - 1].unicodeScalars)
        let start = mark.column - 1
        let keyScalars = Array(key.unicodeScalars)
        guard start >= 0, start + keyScalars.count <= scalars.count,
              Array(scalars[start..<start + keyScalars.count]) == keyScalars else { return nil }
        let probe = "rtcluster_duplicate_key_probe"
        var edited = String.UnicodeScalarView()
        edited.append(contentsOf: scalars[..<start])
        edited.append(contentsOf: probe.unicodeScalars)
        edited.append(contentsOf: scalars[(start + keyScalars.count)...])
        lines[mark.line - 1] = String(edited)
        guard let root = try? Parser(yaml: lines.joined(separator: "\n")).nextRoot(),
              let parent = find(probe, in: root, path: "") else { return nil }
        return SpecMapping.join(parent, key.debugSafe)
    }

    private static func find(_ key: String, in node: Node, path: String) -> String? {
        switch node {
        case .mapping(let m):
            for (k, v) in m {
                if k.string == key { return path }
                if let s = k.string, let found = find(key, in: v, path: SpecMapping.join(path, s)) { return found }
            }
        case .sequence(let s):
            for (i, v) in s.enumerated() {
                if let found = find(key, in: v, path: "\(path)[\(i)]") { return found }
            }
        default:
            break
        }
        return nil
    }
}
