/// Why a job spec was rejected: the key path that is wrong (e.g. `beams.gantry_deg[3]`), the
/// source line when known, and a message that says what is wrong and what would be accepted.
public struct JobSpecError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The class of problem, for callers that react differently (e.g. HTTP 413 for `fileTooLarge`).
    public enum Reason: String, Hashable, Sendable {
        /// The spec text exceeds `JobSpec.maxSpecBytes`.
        case fileTooLarge
        /// The spec file cannot be read or is not UTF-8.
        case unreadableFile
        /// The text is not valid YAML (message carries libyaml's diagnosis).
        case syntax
        /// Valid YAML that job specs forbid: anchors, aliases, tags, block scalars, deep nesting.
        case unsupportedYAML
        /// The text holds no document, or only `null`.
        case emptyDocument
        /// The text holds more than one YAML document (`---`).
        case multipleDocuments
        /// A mapping repeats a key.
        case duplicateKey
        /// A key that the spec does not define at this level.
        case unknownKey
        /// A required key is absent.
        case missingKey
        /// A value has the wrong YAML type (e.g. a string where a number is required).
        case wrongType
        /// A number or list length lies outside its allowed interval.
        case outOfRange
        /// A value of the right type that is not allowed (unknown enum value, duplicate, bad name).
        case invalidValue
        /// A structure named by the job does not exist in the case.
        case unknownStructure
    }

    /// The class of problem.
    public let reason: Reason
    /// Dotted key path with list indices, e.g. `objectives[1].type`; empty for the whole document.
    public let keyPath: String
    /// 1-based line in the spec text, when known.
    public let line: Int?
    /// What is wrong, in words, without the key path.
    public let message: String

    /// Creates an error; `line` is 1-based.
    public init(_ reason: Reason, at keyPath: String, line: Int? = nil, _ message: String) {
        self.reason = reason
        self.keyPath = keyPath
        self.line = line
        self.message = message
    }

    /// `keyPath: message (line N)`, or `job spec: message` for document-level problems.
    public var description: String {
        let location = keyPath.isEmpty ? "job spec" : keyPath
        let lineNote = line.map { " (line \($0))" } ?? ""
        return "\(location): \(message)\(lineNote)"
    }
}
