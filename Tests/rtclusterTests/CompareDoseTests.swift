import Core
import Foundation
import Store
import Testing

/// `rtcluster compare-dose`: gamma pass rates on analytic cases, exit codes, gamma map file.
@Suite struct CompareDoseTests {
    /// A 2 mm grid holding a smooth Gaussian dose peak (2 Gy) of width `sigmaMM` centred at `centreXMM`.
    static func gaussianDose(centreXMM: Double, sigmaMM: Double = 8, scale: Float = 1) throws -> DoseVolume {
        let grid = try Grid(nx: 30, ny: 20, nz: 16, spacingMM: [2, 2, 2], originMM: [-30, -20, -16])
        var dose = DoseVolume(grid: grid, repeating: 0)
        for k in 0..<grid.nz { for j in 0..<grid.ny { for i in 0..<grid.nx {
            let p = grid.position(i, j, k)
            let r2 = (p.x - centreXMM) * (p.x - centreXMM) + p.y * p.y + p.z * p.z
            dose[i, j, k] = scale * Float(2 * exp(-r2 / (2 * sigmaMM * sigmaMM)))
        } } }
        return dose
    }

    static func write(_ dose: DoseVolume, to path: String) throws {
        try ResultFile(doseGy: dose).write(to: path)
    }

    @Test func identicalDosesPassEverywhere() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        try Self.write(try Self.gaussianDose(centreXMM: 0), to: cli.path("a.h5"))
        let r = try cli.run(["compare-dose", cli.path("a.h5"), cli.path("a.h5"), "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try r.json() as? [String: Any])
        #expect(json["pass_rate_pct"] as? Double == 100)
        #expect((json["evaluated_voxels"] as? Int ?? 0) > 100)
        #expect(json["max_gamma"] as? Double == 0)
    }

    /// A shift by exactly the DTA passes 3 %/2 mm (tolerance: every evaluated voxel, 100 %).
    @Test func shiftByTheDTAPasses() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        try Self.write(try Self.gaussianDose(centreXMM: 0), to: cli.path("a.h5"))
        try Self.write(try Self.gaussianDose(centreXMM: 2), to: cli.path("b.h5"))
        let r = try cli.run(["compare-dose", cli.path("a.h5"), cli.path("b.h5"), "--json", "--gamma-map", cli.path("g.h5")])
        #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
        let json = try #require(try r.json() as? [String: Any])
        #expect(json["pass_rate_pct"] as? Double == 100)
        let map = try ResultFile.read(path: cli.path("g.h5"))
        let gamma = try #require(map.arrays["/gamma/map"])
        #expect(gamma.shape == [16, 20, 30])
        #expect(map.attributes["pass_rate_pct"] == .double(100))
    }

    /// A 4 % scaling fails the global 3 % criterion on a broad peak (σ 40 mm: the dose changes by at most
    /// 0.06 Gy within 2 mm, less than the 0.08 Gy excess, so γ > 1 nearly everywhere): pass rate below 95 %
    /// → exit code 1. The same pair passes 5 %/2 mm.
    @Test func fourPercentScalingFailsThreePercent() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        try Self.write(try Self.gaussianDose(centreXMM: 0, sigmaMM: 40), to: cli.path("a.h5"))
        try Self.write(try Self.gaussianDose(centreXMM: 0, sigmaMM: 40, scale: 1.04), to: cli.path("b.h5"))
        let failing = try cli.run(["compare-dose", cli.path("a.h5"), cli.path("b.h5"), "--json"])
        #expect(failing.status == 1)
        let json = try #require(try failing.json() as? [String: Any])
        #expect((json["pass_rate_pct"] as? Double ?? 100) < 95)
        #expect(json["passed"] as? Bool == false)
        let relaxed = try cli.run(["compare-dose", cli.path("a.h5"), cli.path("b.h5"), "--dd", "5"])
        #expect(relaxed.status == 0, "\(relaxed.stdout)")
        #expect(relaxed.stdout.contains("PASS"))
    }

    @Test func missingOrDoselessInputIsNamed() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        try ResultFile(attributes: ["note": .string("no dose")]).write(to: cli.path("empty.h5"))
        try Self.write(try Self.gaussianDose(centreXMM: 0), to: cli.path("a.h5"))
        let missing = try cli.run(["compare-dose", cli.path("nope.h5"), cli.path("a.h5")])
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("nope.h5"))
        let doseless = try cli.run(["compare-dose", cli.path("a.h5"), cli.path("empty.h5")])
        #expect(doseless.status == 65)
        #expect(doseless.stderr.contains("has no /dose/total"))
        let badCriteria = try cli.run(["compare-dose", cli.path("a.h5"), cli.path("a.h5"), "--dta", "-1"])
        #expect(badCriteria.status == 64)
        #expect(!FileManager.default.fileExists(atPath: cli.path("g.h5")))
    }

    /// Nothing above the threshold (10 % of 10 000 Gy against a 2 Gy peak): no pass rate (JSON null, text "n/a") with
    /// the reason, exit 1; normalisation doses outside 0.001–10 000 Gy are usage errors.
    @Test func nothingEvaluatedHasNoPassRate() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        try Self.write(try Self.gaussianDose(centreXMM: 0), to: cli.path("a.h5"))
        let r = try cli.run(["compare-dose", cli.path("a.h5"), cli.path("a.h5"), "--normalisation-gy", "10000", "--json",
                             "--gamma-map", cli.path("g.h5")])
        #expect(r.status == 1, "\(r.stderr)")
        let json = try #require(try r.json() as? [String: Any])
        #expect(json["evaluated_voxels"] as? Int == 0 && json["passed"] as? Bool == false)
        #expect(json["pass_rate_pct"] is NSNull && json["max_gamma"] is NSNull && json["mean_gamma"] is NSNull, "\(json)")
        #expect(json["not_evaluated_reason"] as? String == "no reference voxel reaches the low-dose threshold of 1000 Gy")
        #expect(try ResultFile.read(path: cli.path("g.h5")).attributes["pass_rate_pct"] == nil)
        let text = try cli.run(["compare-dose", cli.path("a.h5"), cli.path("a.h5"), "--normalisation-gy", "10000"])
        #expect(text.status == 1 && text.stdout.contains("pass rate n/a") && text.stdout.contains("1000 Gy") && text.stdout.contains("FAIL"),
                "\(text.stdout)")
        for bad in ["100000", "1e-300", "0.0009", "nan"] {
            let r = try cli.run(["compare-dose", cli.path("a.h5"), cli.path("a.h5"), "--normalisation-gy", bad])
            #expect(r.status == 64 && r.stderr.contains("--normalisation-gy must be between 0.001 and 10000"), "\(bad): \(r.stderr)")
        }
        // Evaluated voxels still report numbers (and null for none of them).
        let evaluated = try #require(try cli.run(["compare-dose", cli.path("a.h5"), cli.path("a.h5"), "--json"]).json() as? [String: Any])
        #expect(evaluated["pass_rate_pct"] as? Double == 100 && evaluated["not_evaluated_reason"] is NSNull)
    }

    /// Local gamma with no low-dose threshold skips zero-dose reference voxels (their local criterion is 0 Gy), so a
    /// dose compared with itself passes everywhere.
    @Test func localGammaWithoutThresholdPassesItself() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        var dose = try Self.gaussianDose(centreXMM: 0)
        for i in 0..<dose.grid.nx { dose[i, 0, 0] = 0 }
        try Self.write(dose, to: cli.path("a.h5"))
        let r = try cli.run(["compare-dose", cli.path("a.h5"), cli.path("a.h5"), "--local", "--threshold", "0", "--json"])
        #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
        let json = try #require(try r.json() as? [String: Any])
        #expect(json["pass_rate_pct"] as? Double == 100)
        #expect(json["max_gamma"] as? Double == 0)
    }

    /// Grids that do not overlap are named (exit 65), not scored 0 %; an all-zero reference names both files.
    @Test func disjointGridsAndZeroReferenceAreInputErrors() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        try Self.write(try Self.gaussianDose(centreXMM: 0), to: cli.path("a.h5"))
        let a = try Self.gaussianDose(centreXMM: 0)
        var far = DoseVolume(grid: try Grid(nx: 30, ny: 20, nz: 16, spacingMM: [2, 2, 2], originMM: [500, -20, -16]), repeating: 0)
        far.withUnsafeMutableBufferPointer { out in a.withUnsafeBufferPointer { for i in $0.indices { out[i] = $0[i] } } }
        try Self.write(far, to: cli.path("far.h5"))
        let disjoint = try cli.run(["compare-dose", cli.path("a.h5"), cli.path("far.h5"), "--json"])
        #expect(disjoint.status == 65)
        #expect(disjoint.stdout.contains("do not overlap along x"), "\(disjoint.stdout)")
        try Self.write(DoseVolume(grid: a.grid, repeating: 0), to: cli.path("zero.h5"))
        let zero = try cli.run(["compare-dose", cli.path("zero.h5"), cli.path("a.h5")])
        #expect(zero.status == 65)
        #expect(zero.stderr.contains("zero.h5") && zero.stderr.contains("normalisation dose"), "\(zero.stderr)")
    }

    /// The gamma map may not replace an input of the comparison nor land inside the data directory's store.
    @Test func gammaMapNeverOverwritesAnInputOrTheStore() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        try Self.write(try Self.gaussianDose(centreXMM: 0), to: cli.path("a.h5"))
        try Self.write(try Self.gaussianDose(centreXMM: 1), to: cli.path("b.h5"))
        let before = try Data(contentsOf: URL(fileURLWithPath: cli.path("a.h5")))
        try FileManager.default.createDirectory(atPath: cli.path("x"), withIntermediateDirectories: false)
        let onInput = try cli.run(["compare-dose", cli.path("a.h5"), cli.path("b.h5"), "--gamma-map", cli.work.appendingPathComponent("./x/../a.h5").path])
        #expect(onInput.status == 65 && onInput.stderr.contains("is an input"), "\(onInput.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: cli.path("a.h5"))) == before)
        let inStore = cli.dataDir.appendingPathComponent("store/results/job-1/result.h5").path
        let intoStore = try cli.run(["compare-dose", cli.path("a.h5"), cli.path("b.h5"), "--gamma-map", inStore])
        #expect(intoStore.status == 65 && intoStore.stderr.contains("inside the data directory"), "\(intoStore.stderr)")
        #expect(!FileManager.default.fileExists(atPath: inStore))
        // A link into the data directory followed by "..": the kernel resolves link/.. to the data directory.
        try FileManager.default.createDirectory(at: cli.dataDir.appendingPathComponent("store"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: cli.path("l"), withDestinationPath: cli.dataDir.appendingPathComponent("store").path)
        let viaLink = try cli.run(["compare-dose", cli.path("a.h5"), cli.path("b.h5"), "--gamma-map", cli.path("l") + "/../g.h5"])
        #expect(viaLink.status == 65, "\(viaLink.stderr)")
        #expect(!FileManager.default.fileExists(atPath: cli.dataDir.appendingPathComponent("g.h5").path))
        let registry = cli.dataDir.appendingPathComponent("registry.sqlite").path
        #expect(try cli.run(["compare-dose", cli.path("a.h5"), cli.path("b.h5"), "--gamma-map", registry]).status == 65)
        #expect(!FileManager.default.fileExists(atPath: registry))
    }

    /// Grids that overlap in part: voxels with no evaluated dose within reach are not evaluated, the map is written;
    /// an input reached through a symbolic link is read like the file itself.
    @Test func partlyOverlappingGridsWriteAGammaMap() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        let a = try Self.gaussianDose(centreXMM: 0)
        try Self.write(a, to: cli.path("a.h5"))
        var shifted = DoseVolume(grid: try Grid(nx: 30, ny: 20, nz: 16, spacingMM: [2, 2, 2], originMM: [0, -20, -16]), repeating: 0)
        shifted.withUnsafeMutableBufferPointer { out in a.withUnsafeBufferPointer { for i in $0.indices { out[i] = $0[i] } } }
        try Self.write(shifted, to: cli.path("half.h5"))
        try FileManager.default.createSymbolicLink(atPath: cli.path("link.h5"), withDestinationPath: cli.path("half.h5"))
        let r = try cli.run(["compare-dose", cli.path("a.h5"), cli.path("link.h5"), "--threshold", "0", "--gamma-map", cli.path("g.h5"), "--json"])
        #expect(r.status == 0 || r.status == 1, "\(r.stderr)")
        let json = try #require(try r.json() as? [String: Any])
        let evaluatedVoxels = try #require(json["evaluated_voxels"] as? Int)
        #expect(evaluatedVoxels > 0 && evaluatedVoxels < 30 * 20 * 16, "\(evaluatedVoxels)")
        #expect(json["max_gamma"] is Double)
        #expect(evaluatedVoxels + (json["uncovered_voxels"] as? Int ?? 0) == 30 * 20 * 16)
        #expect((json["uncovered_voxels"] as? Int ?? 0) > 0)
        #expect(FileManager.default.fileExists(atPath: cli.path("g.h5")))
    }

    /// A dose scaled by 1e38 (2e38 Gy, the audit's huge.h5) printed γ ≈ 1e39 and failed to write the map as
    /// non-finite: it is refused (65) naming the file, the dataset and the voxel, with no map written, as reference
    /// or as evaluated, in text and JSON.
    @Test func absurdDoseIsRefusedNamingTheFile() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        try Self.write(try Self.gaussianDose(centreXMM: 0), to: cli.path("a.h5"))
        try Self.write(try Self.gaussianDose(centreXMM: 0, scale: 1e38), to: cli.path("huge.h5"))
        let evaluated = try cli.run(["compare-dose", cli.path("a.h5"), cli.path("huge.h5"), "--gamma-map", cli.path("g.h5")])
        #expect(evaluated.status == 65, "\(evaluated.stdout) \(evaluated.stderr)")
        #expect(evaluated.stderr.contains(cli.path("huge.h5") + ": /dose/total holds") && evaluated.stderr.contains("0…10000 Gy"), "\(evaluated.stderr)")
        #expect(!FileManager.default.fileExists(atPath: cli.path("g.h5")))
        let reference = try cli.run(["compare-dose", cli.path("huge.h5"), cli.path("a.h5"), "--json"])
        #expect(reference.status == 65)
        let json = try #require(try reference.json() as? [String: Any])
        #expect((json["error"] as? String ?? "").contains("huge.h5: /dose/total holds"), "\(json)")
    }
}
