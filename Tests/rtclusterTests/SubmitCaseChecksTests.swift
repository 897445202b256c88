import Core
import Foundation
import Store
import Testing

/// `submit` refuses, before queueing, jobs the case cannot run: a target, prescription target or goal structure
/// without voxels, and `objectives: from_case` on a case that stores none.
@Suite struct SubmitCaseChecksTests {
    @Test func emptyStructuresAndMissingCaseObjectivesAreRefusedAtSubmit() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        let grid = try Grid(nx: 8, ny: 6, nz: 5, spacingMM: [2, 2, 3], originMM: [-8, -6, 0])
        var ct = CTVolume(grid: grid, repeating: -1000)
        var body = MaskVolume(grid: grid)
        for z in 0..<5 { for y in 1..<5 { for x in 1..<7 { ct[x, y, z] = 20; body[x, y, z] = 1 } } }
        try CaseFile(ct: ct, structures: [Structure(name: "body", mask: body), Structure(name: "empty", mask: MaskVolume(grid: grid))])
            .write(to: cli.path("c.h5"))
        #expect(try cli.run(["case", "add", cli.path("c.h5"), "--id", "c"]).status == 0)
        let plan = "kind: plan\ntarget: body\nbeams: {gantry_deg: [0]}\nprescription: {target: body, dose_gy: 50, fractions: 25}\n"
        let refused: [(spec: String, keyPath: String, reason: String)] = [
            ("kind: dose\ntarget: empty\nbeams: {gantry_deg: [0]}\n", "target", "has no voxel"),
            (plan + "objectives: from_case\n", "objectives", "no structure of the case stores objectives"),
            (plan + "objectives: [{structure: body, type: squared_deviation, dose_gy: 50}]\n"
                + "goals: [{structure: empty, metric: Dmean, comparator: max, value_gy: 20}]\n", "goals[0].structure", "has no voxel"),
        ]
        for (i, r) in refused.enumerated() {
            try r.spec.write(toFile: cli.path("bad-\(i).yaml"), atomically: true, encoding: .utf8)
            let submitted = try cli.run(["submit", "c", cli.path("bad-\(i).yaml")])
            #expect(submitted.status == 65 && submitted.stderr.contains("\(r.keyPath): ") && submitted.stderr.contains(r.reason),
                    "spec \(i): \(submitted.status) \(submitted.stderr)")
        }
        #expect((try cli.run(["list", "--json"]).json() as? [Any])?.isEmpty == true)
        // An objective on the empty structure is allowed (it has nothing to act on), as is a target with voxels.
        try (plan + "objectives: [{structure: body, type: squared_deviation, dose_gy: 50}, {structure: empty, type: mean_dose, dose_gy: 5}]\n")
            .write(toFile: cli.path("ok.yaml"), atomically: true, encoding: .utf8)
        let accepted = try cli.run(["submit", "c", cli.path("ok.yaml")])
        #expect(accepted.status == 0, "\(accepted.stderr)")
    }

    /// A 1.28 m wide target with 1 mm bixels from 36 beams could have ≈ 6·10^7 beamlets: the job fails at its start,
    /// naming the limit, before any bixel is listed (it used to sit in its setup for minutes).
    @Test func absurdBeamletCountsFailTheJobAtItsStart() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        let grid = try Grid(nx: 64, ny: 64, nz: 8, spacingMM: [20, 20, 20], originMM: [-630, -630, -70])
        let all = try MaskVolume(grid: grid, voxels: [UInt8](repeating: 1, count: grid.voxelCount))
        try CaseFile(ct: CTVolume(grid: grid, repeating: 0), structures: [Structure(name: "ptv", mask: all)]).write(to: cli.path("big.h5"))
        #expect(try cli.run(["case", "add", cli.path("big.h5"), "--id", "big"]).status == 0)
        let gantry = (0..<36).map { String($0 * 10) }.joined(separator: ", ")
        try "kind: dose\ntarget: ptv\nbeams: {gantry_deg: [\(gantry)], bixel_mm: 1}\ndose_grid: {spacing_mm: 10}\n"
            .write(toFile: cli.path("fine.yaml"), atomically: true, encoding: .utf8)
        #expect(try cli.run(["submit", "big", cli.path("fine.yaml")]).status == 0)
        #expect(try cli.run(["worker", "--drain", "--poll-ms", "20"]).status == 1, "the drain failed the job")
        let status = try #require(try cli.run(["status", "1", "--json"]).json() as? [String: Any])
        #expect(status["state"] as? String == "failed" && (status["error"] as? String)?.contains("more than the 262144 a job may have") == true,
                "\(status)")
    }
}
