import Foundation
import Store
import Testing
@testable import Cluster

/// A `plan` job under mpirun (`rtcluster run -n N`): jobs/lung-plan.yaml (segmentation + 7 beams) made cheap
/// (10 mm bixels and dose grid, 30 histories per beamlet, 60 for the final dose, 40 iterations) on the small
/// thorax phantom gives a bitwise identical result on 1 and 2 ranks. Skipped when mpirun or the binary is missing.
@Suite(.serialized) struct PlanMultiRank {
    static let launcher = MultiRankLauncher()
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// jobs/lung-plan.yaml with debug-build statistics.
    static func cheapLungPlan() throws -> String {
        var text = try String(contentsOf: repository.appendingPathComponent("jobs/lung-plan.yaml"), encoding: .utf8)
        for (from, to) in [("final_histories_per_beamlet:", "final_histories_per_beamlet: 60 #"), ("\nhistories_per_beamlet:", "\nhistories_per_beamlet: 30 #"),
                           ("spacing_mm:", "spacing_mm: 10 #"), ("bixel_mm:", "bixel_mm: 10 #"), ("max_iterations:", "max_iterations: 40 #")] {
            guard text.contains(from) else { throw PlanKindError("jobs/lung-plan.yaml has no \(from)") }
            text = text.replacingOccurrences(of: from, with: to)
        }
        return text
    }

    @Test(.enabled(if: launcher.unavailableReason == nil, "\(launcher.unavailableReason ?? "")"))
    func planResultIsIdenticalForOneAndTwoRanks() throws {
        let cli = try SchedulerCLI(launcher: Self.launcher)
        let thorax = cli.work.appendingPathComponent("thorax.h5").path
        let specURL = cli.work.appendingPathComponent("plan.yaml")
        try Self.cheapLungPlan().write(to: specURL, atomically: true, encoding: .utf8)
        for args in [["phantom", "thorax", "--size", "small", "--seed", "7", "--out", thorax], ["case", "add", thorax, "--id", "thorax", "--site", "s"]] {
            let r = try cli.run(args)
            try #require(r.status == 0, "\(args[0]): \(r.stderr)")
        }
        var reference: ResultFile?
        for ranks in [1, 2] {
            let file = try cli.submitAndDrain(caseID: "thorax", spec: specURL, ranks: ranks)
            if let reference {
                #expect(file.doseGy == reference.doseGy && file.doseUncertainty == reference.doseUncertainty, "\(ranks) ranks")
                #expect(file.arrays["/plan/weights"] == reference.arrays["/plan/weights"] && file.segmentation == reference.segmentation)
                #expect(file.attributes["metrics_json"] == reference.attributes["metrics_json"])
            } else {
                #expect(file.segmentation["lung_left"] != nil && file.arrays["/dvh/ptv"] != nil && file.arrays["/dvh/lung_left"] != nil)
                guard case .string(let names) = file.attributes["timings_phase_names"] else { Issue.record("no phase names"); continue }
                #expect(names.hasPrefix("bodyCandidates,") && names.hasSuffix(",influence,optimisation,final_dose"), "\(names)")
                reference = file
            }
        }
    }
}
