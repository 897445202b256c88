import Core
import Foundation
import Store
import Testing

/// Structure names as real RT Structure Sets carry them, followed from a case file through `case add`, a `plan` job,
/// the result file's `/dvh/<name>` datasets, `dvh.csv`, `metrics.json`, `report.html` and RTSTRUCT.dcm: every output
/// holds the names unchanged (byte for byte) and correctly quoted for its format.
@Suite struct StructureNameCLITests {
    static let target = "CTV \"boost\" #1"
    static let organs = ["GTV+5mm", "Lung (L), left", "Œsophagus", "z_ring: 2 *&! {x}", "it's <b>"]
    static var names: [String] { [target] + organs }

    /// A 16×16×10 water CT of 5 mm voxels: the target a 4×4×4 box in the middle, each organ a 4×4×4 box beside it.
    static func writeCase(to path: String) throws {
        let grid = try Grid(nx: 16, ny: 16, nz: 10, spacingMM: [5, 5, 5])
        func box(x: Range<Int>, y: Range<Int>, z: Range<Int>) -> MaskVolume {
            var m = MaskVolume(grid: grid)
            for k in z { for j in y { for i in x { m[i, j, k] = 1 } } }
            return m
        }
        let corners: [(Range<Int>, Range<Int>)] = [(1..<5, 1..<5), (11..<15, 1..<5), (1..<5, 11..<15), (11..<15, 11..<15), (6..<10, 1..<5)]
        let structures = [Structure(name: target, mask: box(x: 6..<10, y: 6..<10, z: 3..<7))]
            + zip(organs, corners).map { Structure(name: $0, mask: box(x: $1.0, y: $1.1, z: 3..<7)) }
        try CaseFile(ct: CTVolume(grid: grid, repeating: 0), structures: structures).write(to: path)
    }

    /// A cheap plan naming every structure; names are YAML single-quoted scalars (only `'` doubled).
    static var spec: String {
        func q(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }
        return """
            kind: plan
            name: hostile structure names
            seed: 5
            target: \(q(target))
            beams: {gantry_deg: [0, 90], bixel_mm: 10}
            dose_grid: {spacing_mm: 10}
            histories_per_beamlet: 20
            final_histories_per_beamlet: 40
            prescription: {target: \(q(target)), dose_gy: 2, fractions: 1}
            objectives:
              - {structure: \(q(target)), type: squared_deviation, dose_gy: 2, penalty: 100}
            \(organs.map { "  - {structure: \(q($0)), type: squared_overdose, dose_gy: 1, penalty: 1}" }.joined(separator: "\n"))
            optimizer: {max_iterations: 10}
            goals:
              - {structure: \(q(target)), metric: D95, comparator: min, value_gy: 1.5}
            \(organs.map { "  - {structure: \(q($0)), metric: Dmax, comparator: max, value_gy: 5}" }.joined(separator: "\n"))
            """
    }

    /// The fields of one RFC 4180 record (quoted fields with `""` for a quote; no line breaks inside, as here).
    static func csvFields(_ line: Substring) -> [String] {
        var fields: [String] = [], field = "", quoted = false, chars = Array(line), i = 0
        while i < chars.count {
            let c = chars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < chars.count && chars[i + 1] == "\"" { field.append("\""); i += 1 } else { quoted = false }
                } else { field.append(c) }
            } else if c == "\"" { quoted = true } else if c == "," { fields.append(field); field = "" } else { field.append(c) }
            i += 1
        }
        return fields + [field]
    }

    static func bytes(_ names: [String]) -> Set<[UInt8]> { Set(names.map { Array($0.utf8) }) }

    @Test func hostileNamesSurviveCaseAddPlanAndEveryResultFormat() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        try Self.writeCase(to: cli.path("case.h5"))
        let added = try cli.run(["case", "add", cli.path("case.h5"), "--id", "c1", "--site", "s1", "--json"])
        try #require(added.status == 0, "\(added.stderr)")
        let shown = try #require(try cli.run(["case", "show", "c1", "--json"]).json() as? [String: Any])
        let registered = try #require((shown["case"] as? [String: Any])?["structures"] as? [String])
        #expect(Self.bytes(registered) == Self.bytes(Self.names), "\(registered)")
        // The text view quotes the names holding a comma or quote, so the comma-separated list stays readable.
        let text = try cli.run(["case", "show", "c1"]).stdout
        #expect(text.contains(#""Lung (L), left""#) && text.contains(#""CTV \"boost\" #1""#) && text.contains("Œsophagus"), "\(text)")

        try Self.spec.write(toFile: cli.path("plan.yaml"), atomically: true, encoding: .utf8)
        try cli.runFirstJobAndExport(case: "c1", spec: cli.path("plan.yaml"))

        // Result file: one /dvh/<name> dataset per structure, under the name itself.
        let result = try ResultFile.read(path: cli.path("bundle/result.h5"))
        let dvhPaths = result.arrays.keys.filter { $0.hasPrefix("/dvh/") }
        #expect(Self.bytes(dvhPaths.map { String($0.dropFirst(5)) }) == Self.bytes(Self.names), "\(dvhPaths.sorted())")
        // dvh.csv: the header parses back (RFC 4180) to dose_gy and the names; every row has as many fields.
        let csv = try String(contentsOfFile: cli.path("bundle/dvh.csv"), encoding: .utf8).split(separator: "\n")
        let header = Self.csvFields(csv[0])
        #expect(header.first == "dose_gy" && Self.bytes(Array(header.dropFirst())) == Self.bytes(Self.names), "\(csv[0])")
        #expect(csv.dropFirst().allSatisfy { $0.split(separator: ",").count == header.count })
        // metrics.json: structure, goal and prescription names.
        let metrics = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: cli.path("bundle/metrics.json")))) as? [String: Any])
        let metricNames = try #require((metrics["structures"] as? [[String: Any]])?.compactMap { $0["name"] as? String })
        #expect(Self.bytes(metricNames) == Self.bytes(Self.names), "\(metricNames)")
        let goalNames = try #require((metrics["goals"] as? [[String: Any]])?.compactMap { $0["structure"] as? String })
        #expect(goalNames.map { Array($0.utf8) } == Self.names.map { Array($0.utf8) }, "\(goalNames)")
        #expect(((metrics["prescription"] as? [String: Any])?["target"] as? String).map { Array($0.utf8) } == Array(Self.target.utf8))
        // report.html: names escaped, never raw markup.
        let html = try String(contentsOfFile: cli.path("bundle/report.html"), encoding: .utf8)
        #expect(html.contains("it&#39;s &lt;b&gt;") && !html.contains("it's <b>") && html.contains("CTV &quot;boost&quot; #1"))
        // RTSTRUCT.dcm: ROI Names as in the case (UTF-8, ISO_IR 192); dciodvfy finds no error.
        let rt = try DICOMFile.read(path: cli.path("bundle/RTSTRUCT.dcm")).dataSet
        let roiNames = try rt.sequence(DICOMTags.structureSetROISequence).compactMap { $0.string(DICOMTags.roiName) }
        #expect(Self.bytes(roiNames) == Self.bytes(Self.names), "\(roiNames)")
        for name in ["RTSTRUCT.dcm", "RTDOSE.dcm"] { #expect(try ResultsBundleTests.dciodvfyErrors(cli.path("bundle/\(name)")).isEmpty, "\(name)") }
        // h5py (a reader without our code) lists the same /dvh member names.
        let script = "import sys, json, h5py; print(json.dumps(sorted(h5py.File(sys.argv[1], 'r')['dvh'].keys())))"
        if let (code, output) = try ResultsBundleTests.tool("python3", ["-c", script, cli.path("bundle/result.h5")]), !output.contains("No module named") {
            #expect(code == 0, "\(output)")
            let listed = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String]
            #expect(Self.bytes(listed ?? []) == Self.bytes(Self.names), "\(output)")
        }
    }

    /// A spec naming a structure the rule refuses fails at submit with the key path; a valid name the case lacks is
    /// reported with the case's names, quoted and escaped.
    @Test func submitRefusesNamesOutsideTheRuleAndListsTheCaseNames() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        try Self.writeCase(to: cli.path("case.h5"))
        #expect(try cli.run(["case", "add", cli.path("case.h5"), "--id", "c1", "--site", "s1"]).status == 0)
        for (target, message) in [("\"PTV_50/2\"", "target: structure name \"PTV_50/2\" contains \"/\""),
                                  ("\"CTV \\\\ boost\"", "contains a backslash"),
                                  ("\"Lung (L),  left\"", "structure \"Lung (L),  left\" is not in the case"),
                                  ("\"CTV \\\"boost\\\" #2\"", #"available: "CTV \"boost\" #1""#)] {
            try "kind: dose\ntarget: \(target)\nbeams: {gantry_deg: [0]}\n".write(toFile: cli.path("bad.yaml"), atomically: true, encoding: .utf8)
            let r = try cli.run(["submit", "c1", cli.path("bad.yaml")])
            #expect(r.status != 0 && r.stderr.contains(message), "\(r.status) \(r.stderr)")
        }
        #expect((try cli.run(["list", "--json"]).json() as? [Any])?.isEmpty ?? true)
    }
}
