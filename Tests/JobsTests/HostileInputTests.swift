import Testing
@testable import Jobs

/// Document-level rejections: sizes, YAML features job specs forbid, syntax, empty and multi-document text.
struct HostileInputTests {
    static func rejection(_ yaml: String) -> JobSpecError? {
        #expect(throws: JobSpecError.self) { try JobSpec.parse(yaml: yaml) }
    }

    @Test(arguments: ["", "   \n\n", "# only a comment\n", "~", "null", "---\n...\n"])
    func emptyDocuments(_ yaml: String) {
        #expect(Self.rejection(yaml)?.reason == .emptyDocument)
    }

    /// Integers with exponents at the edge of Int are refused, not an arithmetic overflow (`seed` has no range check
    /// before its digits are read; `priority` passes its range check as 0 or infinity first).
    @Test(arguments: ["seed: 1e9223372036854775807", "seed: 10e9223372036854775807", "priority: 1.5e-9223372036854775808",
                      "seed: 1e-9223372036854775808", "seed: 1e1000001"])
    func extremeExponentsAreRefused(_ line: String) {
        let error = Self.rejection("kind: segment\nstructures: [body]\n\(line)\n")
        #expect(error != nil, "\(line)")
    }

    @Test func multipleDocuments() {
        let error = Self.rejection("kind: segment\nstructures: [body]\n---\nkind: segment\nstructures: [bones]\n")
        #expect(error?.reason == .multipleDocuments)
        #expect(error?.description.contains("one job per file") == true)
    }

    @Test func specOverOneMebibyteIsRejectedBeforeParsing() {
        let padding = String(repeating: "# padding padding padding padding padding padding padding padding\n", count: 16_500)
        let yaml = "kind: segment\nstructures: [body]\n" + padding
        #expect(yaml.utf8.count > JobSpec.maxSpecBytes)
        let error = Self.rejection(yaml)
        #expect(error?.reason == .fileTooLarge)
        #expect(error?.message.contains("at most 1048576") == true)
        // The same spec just under the limit parses.
        #expect(throws: Never.self) { try JobSpec.parse(yaml: "kind: segment\nstructures: [body]\n" + padding.prefix(1_000_000)) }
    }

    @Test func listsLongerThanTenThousandAreRejectedBeforeTheirElements() {
        let goal = "  - {structure: PTV, metric: D95, comparator: min, value_gy: 60}\n"
        let yaml = MalformedSpec.basePlan.replacingOccurrences(
            of: "goals:\n  - {structure: PTV, metric: D95, comparator: min, value_gy: 60}\n",
            with: "goals:\n" + String(repeating: goal, count: JobSpec.maxListCount + 1))
        let error = Self.rejection(yaml)
        #expect(error?.keyPath == "goals")
        #expect(error?.reason == .outOfRange)
        #expect(error?.message.contains("10001 elements") == true)
    }

    @Test(arguments: [
        ("base: &b [0, 90]\nkind: segment\n", 1, "anchors and aliases"),
        ("kind: segment\nstructures: *s\n", 2, "anchors and aliases"),
        ("kind: segment\nstructures: [*s]\n", 2, "anchors and aliases"),
        ("kind: segment\npriority: !!int 5\n", 2, "explicit YAML tags"),
        ("kind: segment\nname: |\n  multi\n", 2, "block scalars"),
        ("kind: plan\ngoals:\n  - {comparator: >=}\n", 3, "block scalars"),
        ("kind: plan\ngoals:\n  - comparator: >=\n", 3, "quote values that start with them"),
        ("kind: segment\nstructures: " + String(repeating: "[", count: 40) + "\n", 2, "brackets nest deeper than 32"),
        ("kind: segment\n" + String(repeating: "- ", count: 100) + "x\n", 2, "indented 200 columns"),
    ])
    func forbiddenYAMLFeatures(_ yaml: String, _ line: Int, _ fragment: String) {
        let error = Self.rejection(yaml)
        #expect(error?.reason == .unsupportedYAML)
        #expect(error?.line == line)
        #expect(error?.message.contains(fragment) == true, "\(error?.message ?? "")")
    }

    @Test func specialCharactersInCommentsAreNotMistakenForYAMLFeatures() throws {
        let spec = try JobSpec.parse(yaml: """
            # R&D *draft*: !important | > & * — all inside a comment
            kind: segment   # trailing comment with &anchor and *alias
            structures: [body]
            """)
        #expect(spec.kind == .segment)
    }

    @Test func specialCharactersInQuotesReachTheNameCheck() {
        let error = Self.rejection("kind: segment\nname: 'a *b &c !d |e'\nstructures: [body]\n")
        #expect(error?.reason == .invalidValue)
        #expect(error?.keyPath == "name")
    }

    @Test func syntaxErrorsGiveTheLine() {
        let error = Self.rejection("kind: segment\nstructures: [body\npriority: 3\n")
        #expect(error?.reason == .syntax)
        #expect(error?.line != nil)
        #expect(error?.message.hasPrefix("invalid YAML") == true)
    }

    @Test func rootMustBeAMapping() {
        let error = Self.rejection("- kind\n- segment\n")
        #expect(error?.reason == .wrongType)
        #expect(error?.keyPath == "")
        #expect(error?.description.hasPrefix("job spec: the document must be a mapping") == true)
    }

    @Test func keysMustBeNames() {
        let error = Self.rejection("kind: segment\n? [a, b]\n: 1\n")
        #expect(error?.reason == .wrongType)
        #expect(error?.message.contains("keys must be plain names") == true)
    }
}
