import Testing
@testable import Core

/// The one structure-name rule shared by case files, the registry and job specs.
@Suite struct StructureNameTests {
    /// Names as real RT Structure Sets carry them, plus punctuation that YAML, CSV, HTML and JSON treat specially.
    static let accepted = [
        "GTV+5mm", "Lung (L)", "Œsophagus", "Spinal Cord PRV 3mm", "z_ring #2", "CTV \"boost\"", "PTV_50-2",
        "a", "PTV: 60 Gy", "- PTV", "*PTV", "&ref", "!tag", "{PTV}", "[PTV]", "PTV, boost", "50% iso", "=SUM(A1)",
        "'quoted'", "<script>", "Lunge (re.)", "脊髄", "Ωmega", "😀 smile", "PTV\u{A0}boost", ". hidden", "...",
        String(repeating: "x", count: 64), String(repeating: "\u{E9}", count: 32), String(repeating: "脊", count: 21),
    ]

    static let refused: [(name: String, fragment: String)] = [
        ("", "got 0 bytes"), (String(repeating: "x", count: 65), "got 65 bytes"), (String(repeating: "\u{E9}", count: 33), "got 66 bytes"),
        (String(repeating: "脊", count: 22), "got 66 bytes"), ("e" + String(repeating: "\u{301}", count: 32), "got 65 bytes"),
        (".", "HDF5 reserves"), ("..", "HDF5 reserves"), ("PTV_50/2", "contains \"/\""), ("/PTV", "contains \"/\""),
        ("PTV\\2", "backslash"), ("P\tTV", "U+0009"), ("PTV\n", "U+000A"), ("PTV\r", "U+000D"), ("P\u{0}TV", "U+0000"),
        ("P\u{1B}TV", "U+001B"), ("P\u{7F}TV", "U+007F"), ("P\u{85}TV", "U+0085"), ("PTV\u{202E}", "U+202E"),
        ("P\u{200B}TV", "U+200B"), ("\u{FEFF}PTV", "U+FEFF"), ("P\u{2028}TV", "U+2028"), ("P\u{2029}TV", "U+2029"),
        ("P\u{FFFF}TV", "U+FFFF"), (" PTV", "leading or trailing"), ("PTV ", "leading or trailing"),
        ("PTV\u{A0}", "leading or trailing"), ("\u{3000}PTV", "leading or trailing"),
    ]

    @Test(arguments: accepted)
    func acceptsPrintableNames(_ name: String) {
        #expect(StructureName.problem(name) == nil, "\(StructureName.problem(name) ?? "")")
    }

    @Test(arguments: refused)
    func refusesWithAReason(_ example: (name: String, fragment: String)) throws {
        let problem = try #require(StructureName.problem(example.name), "\(StructureName.shown(example.name)) accepted")
        #expect(problem.contains(example.fragment), "\(problem)")
        // The reason itself never carries a control, format or line-separator character.
        #expect(!problem.unicodeScalars.contains(where: StructureName.isRefused), "\(problem.debugDescription)")
    }

    @Test func shownEscapesQuotesBackslashesAndInvisibleCharacters() {
        #expect(StructureName.shown("CTV \"boost\"") == "\"CTV \\\"boost\\\"\"")
        #expect(StructureName.shown("a\\b\u{202E}\t") == "\"a\\\\b\\u{202e}\\u{9}\"")
        #expect(StructureName.shown(String(repeating: "x", count: 100)) == "\"" + String(repeating: "x", count: 80) + "…\"")
    }
}
