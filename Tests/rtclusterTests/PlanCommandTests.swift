import Foundation
import Store
import Testing

/// A `plan` job end to end through the CLI: jobs/lung-plan.yaml made cheap (10 mm bixels and dose grid, 20
/// histories per beamlet, 40 for the final dose, 30 iterations) on the small thorax phantom, drained by
/// `rtcluster worker`, then exported with `results --out DIR --dicom`.
@Suite struct PlanCommandTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func lungPlanBundleHasDVHMetricsGoalsAndAValidRTDose() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        var spec = try String(contentsOf: Self.repository.appendingPathComponent("jobs/lung-plan.yaml"), encoding: .utf8)
        for (from, to) in [("final_histories_per_beamlet:", "final_histories_per_beamlet: 40 #"), ("\nhistories_per_beamlet:", "\nhistories_per_beamlet: 20 #"),
                           ("spacing_mm:", "spacing_mm: 10 #"), ("bixel_mm:", "bixel_mm: 10 #"), ("max_iterations:", "max_iterations: 30 #")] {
            try #require(spec.contains(from), "jobs/lung-plan.yaml has no \(from)")
            spec = spec.replacingOccurrences(of: from, with: to)
        }
        try spec.write(toFile: cli.path("plan.yaml"), atomically: true, encoding: .utf8)
        #expect(try cli.run(["phantom", "thorax", "--out", cli.path("ct.h5"), "--size", "small", "--seed", "7"]).status == 0)
        #expect(try cli.run(["case", "add", cli.path("ct.h5"), "--id", "c1", "--site", "s1"]).status == 0)
        let r = try cli.runFirstJobAndExport(case: "c1", spec: cli.path("plan.yaml"))
        let files = Set(try #require((try r.json() as? [String: Any])?["files"] as? [String]).map { URL(fileURLWithPath: $0).lastPathComponent })
        #expect(files.isSuperset(of: ["result.h5", "dvh.csv", "fluence.png", "fluence.csv", "metrics.json", "report.html", "RTDOSE.dcm",
                                      "RTSTRUCT.dcm"]), "\(files)")
        // fluence.csv: one row per beamlet in result order, weights as stored in /plan/weights (after normalisation),
        // bixel centres on the 10 mm lattice through the isocentre.
        let fluence = try String(contentsOfFile: cli.path("bundle/fluence.csv"), encoding: .utf8).split(separator: "\n")
        let result = try ResultFile.read(path: cli.path("bundle/result.h5"))
        guard case .float64(let weights)? = result.arrays["/plan/weights"]?.values else { Issue.record("no /plan/weights"); return }
        #expect(fluence.first == "beamlet,beam,gantry_deg,u_mm,v_mm,width_mm,weight" && fluence.count == weights.count + 1)
        let rows = fluence.dropFirst().map { $0.split(separator: ",").map { Double($0)! } }
        #expect(rows.map { $0[6] } == weights && rows.map { Int($0[0]) } == Array(weights.indices))
        #expect(rows.allSatisfy { $0[5] == 10 && ($0[3] / 10).rounded() * 10 == $0[3] && ($0[4] / 10).rounded() * 10 == $0[4] })
        let header = try String(contentsOfFile: cli.path("bundle/dvh.csv"), encoding: .utf8).split(separator: "\n").first ?? ""
        #expect(header.hasPrefix("dose_gy,") && header.contains("ptv") && header.contains("lung_left"), "\(header)")
        let metrics = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: cli.path("bundle/metrics.json")))) as? [String: Any])
        let goals = try #require(metrics["goals"] as? [[String: Any]])
        #expect(goals.count == 6 && goals.allSatisfy { $0["passed"] is Bool && $0["value"] is Double })
        let html = try String(contentsOfFile: cli.path("bundle/report.html"), encoding: .utf8)
        #expect(html.contains("<h2>Clinical goals</h2>") && html.contains("spinal_canal") && html.contains("V20Gy"))
        #expect(try ResultsBundleTests.dciodvfyErrors(cli.path("bundle/RTDOSE.dcm")).isEmpty)
    }
}
