import Core
import Foundation
import Testing
import Evaluation
@testable import Report

/// DVH table, metrics and the HTML report of a small synthetic case.
@Suite struct ResultBundleTests {
    static let hostile = "<script>alert('x')</script>&\"ptv\""

    static func input(withDose: Bool) -> BundleInput {
        let g = SliceRendererTests.grid
        var input = BundleInput(title: "Job 1 " + hostile, ct: SliceRendererTests.ct())
        input.provenance = [("job", "1"), ("spec name", hostile)]
        input.structures = [ReportStructure(name: hostile, mask: SliceRendererTests.cube(20, 15, 10), colour: RGBColour.structure(0)),
                            ReportStructure(name: "oar", mask: SliceRendererTests.cube(10, 15, 10), colour: RGBColour.structure(1))]
        if withDose {
            var dose = DoseVolume(grid: g)
            for z in 0..<g.nz { for y in 0..<g.ny { for x in 0..<g.nx {
                dose[x, y, z] = Float(60 * exp(-Double((x - 20) * (x - 20) + (y - 15) * (y - 15) + (z - 10) * (z - 10)) / 50))
            } } }
            input.doseGy = dose
        }
        return input
    }

    static func file(_ files: [BundleFile], _ name: String) throws -> String {
        String(decoding: try #require(files.first { $0.name == name }).bytes, as: UTF8.self)
    }

    @Test func dvhCSVIsMonotoneAndStartsAt100Percent() throws {
        let files = try ResultBundle.make(Self.input(withDose: true))
        let lines = try Self.file(files, "dvh.csv").split(separator: "\n")
        #expect(lines[0] == "dose_gy,\"<script>alert('x')</script>&\"\"ptv\"\"\",oar")
        let rows = lines.dropFirst().map { $0.split(separator: ",").map { Double($0)! } }
        #expect(rows[0] == [0, 100, 100])
        for (a, b) in zip(rows, rows.dropFirst()) {
            #expect(b[0] > a[0] && b[1] <= a[1] + 1e-12 && b[2] <= a[2] + 1e-12)
        }
        // Both curves reach 0 % beyond their maximum dose (≤ 60 Gy).
        #expect(rows.last![1] == 0 && rows.last![2] == 0)
        let metrics = try JSONDecoder().decode(PlanMetrics.self, from: Data(try Self.file(files, "metrics.json").utf8))
        let target = try #require(metrics.structures.first)
        // The target cube (125 voxels) holds the dose maximum of 60 Gy at its centre.
        #expect(target.voxels == 125 && abs((target.dmaxGy ?? 0) - 60) < 1e-4)
        #expect(abs((target.volumeCM3 ?? 0) - 125 * 0.016) < 1e-9)
    }

    @Test func reportEscapesUserStringsAndHasNoScript() throws {
        let html = try Self.file(try ResultBundle.make(Self.input(withDose: true)), "report.html")
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;ptv&quot;"))
        #expect(!html.lowercased().contains("<script"))
        #expect(html.contains("<svg") && html.contains("Dose (Gy)") && html.contains("Volume (%)"))
        #expect(html.components(separatedBy: "data:image/png;base64,").count == 4)
    }

    @Test func segmentOnlyResultHasOutlinesButNoDVH() throws {
        let files = try ResultBundle.make(Self.input(withDose: false))
        #expect(Set(files.map(\.name)) == ["axial.png", "coronal.png", "sagittal.png", "metrics.json", "report.html"])
        #expect(try Self.file(files, "report.html").contains("No dose in this result: no DVH."))
    }

    @Test func planMetricsDriveGoalsAndIsodoseReference() throws {
        var input = Self.input(withDose: true)
        input.metricsJSON = """
        {"prescription": {"target": "oar", "dose_gy": 50, "fractions": 25}, "structures": [{"name": "oar", "voxels": 125}],
         "goals": [{"structure": "oar", "metric": "D95", "comparator": "min", "limit": 47.5, "unit": "Gy", "value": 48.1, "passed": true},
                   {"structure": "oar", "metric": "Dmax", "comparator": "max", "limit": 53.5, "unit": "Gy", "value": 60.0, "passed": false}]}
        """
        let files = try ResultBundle.make(input)
        #expect(try Self.file(files, "metrics.json") == input.metricsJSON! + "\n")
        let html = try Self.file(files, "report.html")
        #expect(html.contains("<tr class=\"pass\">") && html.contains("<tr class=\"fail\">"))
        #expect(html.contains("95 % = 47.5 Gy"))
        input.metricsJSON = "{\"structures\": 3}"
        #expect(throws: ReportError.self) { try ResultBundle.make(input) }
    }

    /// The warnings of metrics_json head the report (escaped); a report without has no Warnings section.
    @Test func warningsAreShownInTheReport() throws {
        var input = Self.input(withDose: true)
        input.metricsJSON = """
        {"structures": [{"name": "oar", "voxels": 125}], "warnings": ["the dose in <oar> is noisy: 42.0 %"]}
        """
        let html = try Self.file(try ResultBundle.make(input), "report.html")
        #expect(html.contains("<h2>Warnings</h2>") && html.contains("<li>the dose in &lt;oar&gt; is noisy: 42.0 %</li>"))
        let warnings = try #require(html.range(of: "<h2>Warnings</h2>")), slices = try #require(html.range(of: "<h2>Slices</h2>"))
        #expect(warnings.lowerBound < slices.lowerBound)
        input.metricsJSON = "{\"structures\": [{\"name\": \"oar\", \"voxels\": 125}]}"
        #expect(!(try Self.file(try ResultBundle.make(input), "report.html")).contains("Warnings"))
    }
}
