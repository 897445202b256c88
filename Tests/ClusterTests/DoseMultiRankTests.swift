import Foundation
import Store
import Testing
@testable import Cluster

/// A `dose` job under mpirun (`rtcluster run -n N`): a 20 × 20 mm open field on a 32×32×32 water tank of
/// 10 mm voxels gives a bitwise identical /dose/total and /influence on 1, 2 and 4 ranks. Skipped when
/// mpirun or the binary is missing.
@Suite(.serialized) struct DoseMultiRank {
    static let launcher = MultiRankLauncher()
    static let spec = """
        kind: dose
        seed: 4
        open_field: {field_mm: [20, 20], ssd_mm: 1000}
        beams: {gantry_deg: [0]}
        dose_grid: {spacing_mm: 10}
        histories_per_beamlet: 200
        uncertainty_batches: 4

        """

    @Test(.enabled(if: launcher.unavailableReason == nil, "\(launcher.unavailableReason ?? "")"))
    func doseResultIsIdenticalForOneTwoAndFourRanks() throws {
        let cli = try SchedulerCLI(launcher: Self.launcher)
        let tank = cli.work.appendingPathComponent("tank.h5").path
        let specURL = cli.work.appendingPathComponent("dose.yaml")
        try Self.spec.write(to: specURL, atomically: true, encoding: .utf8)
        for args in [["phantom", "water", "--box", "--size", "32x32x32", "--out", tank], ["case", "add", tank, "--id", "tank", "--site", "s"]] {
            let r = try cli.run(args)
            try #require(r.status == 0, "\(args[0]): \(r.stderr)")
        }
        var reference: ResultFile?
        for ranks in [1, 2, 4] {
            let submit = try cli.run(["submit", "tank", specURL.path, "--json"])
            let object = try JSONSerialization.jsonObject(with: Data(submit.stdout.utf8)) as? [String: Any]
            let job = try #require((object?["id"] as? NSNumber)?.int64Value, "\(submit.stdout) \(submit.stderr)")
            let run = try cli.run(["run", "-n", "\(ranks)", "--drain", "--timeout", "120", "--poll-ms", "50"])
            #expect(run.status == 0, "run -n \(ranks): \(run.stderr.suffix(2000))")
            #expect(try cli.status(job)["state"] as? String == "succeeded")
            let file = try ResultFile.read(path: cli.dataDir.appendingPathComponent("store/results/job-\(job)/result.h5").path)
            if let reference {
                #expect(file.doseGy == reference.doseGy, "\(ranks) ranks")
                #expect(file.doseUncertainty == reference.doseUncertainty && file.sparseMatrices == reference.sparseMatrices)
            } else {
                #expect((file.doseGy?.voxels.max() ?? 0) > 0 && file.sparseMatrices["/influence"]?.columns == 16)
                reference = file
            }
        }
    }
}
