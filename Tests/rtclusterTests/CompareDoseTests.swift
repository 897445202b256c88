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
}
