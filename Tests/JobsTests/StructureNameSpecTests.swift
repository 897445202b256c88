import Core
import Testing
@testable import Jobs

/// Job specs accept every structure name a case file can hold (``StructureName``), and the canonical YAML writer
/// quotes them so that parse(write(spec)) == spec.
@Suite struct StructureNameSpecTests {
    /// Valid names that YAML, CSV, HTML or JSON treat specially, plus real RT Structure Set names.
    static let hostile = [
        "GTV+5mm", "Lung (L)", "Œsophagus", "Spinal Cord PRV 3mm", "z_ring #2", "CTV \"boost\"", "it's", "'quoted'",
        "PTV: 60 Gy", "PTV:60", "- PTV", "-PTV", "*PTV", "&PTV", "!PTV", "{PTV}", "[PTV]", "PTV, boost", "PTV # note",
        "#PTV", "? key", "|block", ">fold", "%TAG", "@home", "`tick`", "null", "~", "true", "no", "123", "1e3", ".inf",
        "<b>&amp;<b>", "脊髄", "😀 smile", "PTV\u{A0}boost", "\u{E9}t\u{E9}", "e\u{301}t\u{65}\u{301}", "---", "...",
        String(repeating: "\"", count: 64),
    ]

    /// A plan naming `name` in every place a structure name goes, each written as a YAML single-quoted scalar
    /// (only `'` doubled), independent of the writer under test.
    static func plan(naming name: String) -> String {
        let q = "'" + name.replacingOccurrences(of: "'", with: "''") + "'"
        return """
            kind: plan
            target: \(q)
            beams: {gantry_deg: [0, 180]}
            prescription: {target: \(q), dose_gy: 2}
            objectives:
              - {structure: \(q), type: squared_deviation, dose_gy: 2, penalty: 1}
            goals:
              - {structure: \(q), metric: D95, comparator: min, value_gy: 1.9}
            """
    }

    @Test(arguments: hostile)
    func specAcceptsTheNameAndTheCanonicalYAMLRoundTrips(_ name: String) throws {
        #expect(StructureName.problem(name) == nil)
        let spec = try JobSpec.parse(yaml: Self.plan(naming: name))
        // Byte-exact: the parser keeps the name as written (no normalisation, no trimming).
        #expect(spec.referencedStructures.count == 4 && spec.referencedStructures.allSatisfy { Array($0.name.utf8) == Array(name.utf8) },
                "\(spec.referencedStructures)")
        let canonical = spec.canonicalYAML()
        let back = try JobSpec.parse(yaml: canonical)
        #expect(back == spec, "\(canonical)")
        #expect(back.referencedStructures.allSatisfy { Array($0.name.utf8) == Array(name.utf8) }, "\(canonical)")
        #expect(back.canonicalYAML() == canonical)
        try spec.validate(againstCaseStructures: [name])
    }

    @Test(arguments: [
        ("PTV_50/2", "contains \"/\""), ("PTV\\\\2", "backslash"), ("..", "HDF5 reserves"), (" PTV", "no leading or trailing space"),
        ("PTV\\t", "U+0009"), ("PTV\\n", "U+000A"), ("\\e[31mPTV", "U+001B"), ("PTV\\u200B", "U+200B"), ("PTV\\uFEFF", "U+FEFF"),
        (String(repeating: "x", count: 65), "got 65 bytes"), (String(repeating: "\u{E9}", count: 33), "got 66 bytes"),
    ])
    func specRefusesNamesNoCaseFileCanHold(_ example: (escaped: String, fragment: String)) throws {
        // Written as a YAML double-quoted scalar, so escapes (\t, \e, \u…) reach the parser as the characters.
        let yaml = "kind: dose\ntarget: \"\(example.escaped)\"\nbeams: {gantry_deg: [0]}\n"
        let error = try #require(throws: JobSpecError.self) { try JobSpec.parse(yaml: yaml) }
        #expect(error.keyPath == "target" && error.reason == .invalidValue && error.message.contains(example.fragment), "\(error)")
        #expect(!error.description.unicodeScalars.contains { $0.properties.generalCategory == .control }, "\(error.description.debugDescription)")
    }

    /// The writer's quoting is right for any string, not only valid structure names: backslashes, quotes, tabs,
    /// line breaks, C1 controls, separators, noncharacters and astral characters come back unchanged. (U+FEFF is the
    /// exception: the YAML parser drops a byte order mark even when escaped; no structure or job name can hold one.)
    @Test(arguments: [
        "a\\b", "\\", "\"", "\\\"", "tab\there", "line\nbreak", "cr\rlf\r\n", "\u{0}nul", "\u{7}\u{1B}[0m", "\u{7F}\u{85}\u{9F}",
        "\u{2028}\u{2029}", "\u{FFFE}\u{FFFF}", "😀\u{10FFFF}", " lead", "trail ", "  ", "#", "- x", "*a &b !c",
        "{[", "'", "''", "Œsophagus", "",
    ])
    func quotedScalarParsesBackUnchanged(_ text: String) throws {
        let quoted = YAMLWriter.quoted(text)
        #expect(!quoted.dropFirst().dropLast().contains { $0 == "\n" || $0 == "\r" || $0 == "\t" }, "\(quoted.debugDescription)")
        let node = try YAMLDocument.compose("k: \(quoted)\n")
        let mapping = try SpecMapping(SpecValue(node: node, path: ""), allowed: ["k"], elsewhere: [:])
        let value = try mapping.required("k", "a test value")
        let back = try value.string()
        #expect(Array(back.unicodeScalars) == Array(text.unicodeScalars), "\(quoted.debugDescription) → \(back.debugDescription)")
    }

    /// `''` in a single-quoted scalar does not end it: the `&` after it is text, not an anchor.
    @Test func prescanKnowsDoubledSingleQuotes() throws {
        let spec = try JobSpec.parse(yaml: "kind: dose\ntarget: 'it''s &x *y !z'\nbeams: {gantry_deg: [0]}\n")
        #expect(spec.referencedStructures.map(\.name) == ["it's &x *y !z"])
    }

    /// A quote inside a plain scalar is literal (a quote opens a quoted scalar only where a scalar starts), so it
    /// does not hide an anchor or alias later in the text: the YAML parser would expand `*a`.
    @Test(arguments: ["target: Lung 'L", "target: Lung \"L", "target: a, 'b", "target: x:'y"])
    func prescanSeesPastQuotesInsidePlainScalars(_ line: String) throws {
        let yaml = "kind: dose\n\(line)\nbeams: &a {gantry_deg: [0]}\nx: *a\n"
        var error: JobSpecError?
        do { _ = try JobSpec.parse(yaml: yaml) } catch let e { error = e }
        #expect(error?.reason == .unsupportedYAML, "\(line): \(error.map { "\($0)" } ?? "parsed")")
        // Without the anchor the same line parses, the quote kept in the name.
        let plain = try JobSpec.parse(yaml: "kind: dose\n\(line)\nbeams: {gantry_deg: [0]}\n")
        #expect(plain.referencedStructures.first?.name.contains(where: { $0 == "'" || $0 == "\"" }) == true)
    }

    /// Quoted scalars still open where they start: after `: `, `- `, `[`, `{` and `,` in flow context, at a line's start.
    @Test func prescanStillKnowsQuotedScalars() throws {
        let spec = try JobSpec.parse(yaml: "kind: dose\ntarget: 'a &x'\nbeams: {gantry_deg: [0], couch_deg: 0}\n\"name\": \"b y\"\n")
        #expect(spec.referencedStructures.map(\.name) == ["a &x"])
        #expect(spec.name == "b y")
    }
}
