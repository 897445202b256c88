import Core
import Testing
import Evaluation

/// DVH metrics on analytic dose distributions.
@Suite struct StructureDoseTests {
    /// 1000 voxels with doses (i + 0.5) / 100 Gy, a linear ramp 0.005 … 9.995 Gy.
    let ramp = try! StructureDose(name: "ramp", doseGy: (0..<1000).reversed().map { (Double($0) + 0.5) / 100 })

    /// A linear ramp gives a linear cumulative DVH: V(d) = 100 (1 − d / 10 Gy) within one voxel (0.1 %).
    @Test func rampGivesLinearDVH() throws {
        let dvh = try ramp.cumulativeDVH(binWidthGy: 0.25)
        #expect(dvh.doseGy.first == 0 && dvh.volumePct.first == 100)
        #expect(dvh.doseGy.last! >= ramp.maxGy && dvh.volumePct.last == 0)
        for (d, v) in zip(dvh.doseGy, dvh.volumePct) where d <= 10 {
            #expect(abs(v - 100 * (1 - d / 10)) <= 0.1 + 1e-9, "V(\(d)) = \(v)")
        }
        #expect(zip(dvh.volumePct, dvh.volumePct.dropFirst()).allSatisfy { $0 >= $1 })
    }

    /// D_x is the dose of the voxel of rank ⌈x n / 100⌉ from the top: on the ramp 10 (1 − x/100) + 0.005 Gy exactly.
    @Test func doseAtVolumeFollowsRankConvention() {
        for x in [2.0, 5, 10, 50, 95, 98] {
            let expected = (1000 - x * 10 + 0.5) / 100
            #expect(abs(ramp.doseAtVolume(x) - expected) <= 1e-12, "D\(x) = \(ramp.doseAtVolume(x))")
        }
        #expect(ramp.doseAtVolume(0) == ramp.maxGy && ramp.doseAtVolume(100) == ramp.minGy)
        #expect(abs(ramp.maxGy - 9.995) < 1e-12 && abs(ramp.minGy - 0.005) < 1e-12 && abs(ramp.meanGy - 5) < 1e-12)
        #expect(ramp.volumeAtDose(2.5) == 75)
        #expect(ramp.value(of: .volumeAtDose(doseGy: 2.5)) == 75)
        #expect(ramp.value(of: .doseAtVolume(volumePct: 95)) == ramp.doseAtVolume(95))
    }

    @Test func homogeneityAndNormalisation() throws {
        let uniform = try StructureDose(name: "PTV", doseGy: [Double](repeating: 48, count: 50))
        #expect(PlanQuality.homogeneityIndex(uniform) == 0)
        // HI of the ramp: (D5 − D95) / D50 = (9.505 − 0.505) / 5.005.
        #expect(abs(PlanQuality.homogeneityIndex(ramp) - 9.0 / 5.005) < 1e-12)
        let factor = try PlanQuality.normalisationFactor(target: ramp, prescriptionGy: 50)
        #expect(abs(ramp.scaled(by: factor).doseAtVolume(95) - 50) < 1e-9)
        #expect(throws: EvaluationError.self) { try PlanQuality.normalisationFactor(target: uniform, prescriptionGy: 0) }
    }

    /// Paddick CI of a 10³ target covered by a 10³ isodose box shifted by 2 voxels: 800² / (1000 × 1000) = 0.64.
    @Test func paddickConformityOfShiftedBox() throws {
        let grid = try Grid(nx: 20, ny: 20, nz: 20, spacingMM: [2, 2, 2])
        var target = MaskVolume(grid: grid), dose = DoseVolume(grid: grid, repeating: 0.5)
        for z in 5..<15 { for y in 5..<15 { for x in 5..<15 { target[x, y, z] = 1; dose[x + 2, y, z] = 2 } } }
        #expect(abs(try PlanQuality.paddickConformityIndex(dose: dose, target: target, referenceDoseGy: 1.9) - 0.64) < 1e-12)
        #expect(try PlanQuality.paddickConformityIndex(dose: dose, target: target, referenceDoseGy: 3) == 0)
        let structure = try StructureDose(name: "PTV", dose: dose, mask: target)
        #expect(structure.voxelCount == 1000 && structure.volumeAtDose(2) == 80)
        let other = try Grid(nx: 20, ny: 20, nz: 21, spacingMM: [2, 2, 2])
        #expect(throws: EvaluationError.self) { try StructureDose(name: "PTV", dose: DoseVolume(grid: other), mask: target) }
    }

    @Test func goalsReportValueAndVerdict() throws {
        let structures = ["ramp": ramp]
        let d95 = try PlanGoal(structure: "ramp", metric: .doseAtVolume(volumePct: 95), comparator: .atLeast, value: 0.5).evaluate(structures)
        #expect(d95.passed && d95.measured == ramp.doseAtVolume(95))
        let v5 = try PlanGoal(structure: "ramp", metric: .volumeAtDose(doseGy: 5), comparator: .atMost, value: 40).evaluate(structures)
        #expect(!v5.passed && v5.measured == 50)
        #expect(throws: EvaluationError.self) { try PlanGoal(structure: "none", metric: .meanDose, comparator: .atMost, value: 1).evaluate(structures) }
        #expect(DVHMetric.standard.map(\.description) == ["Dmean", "Dmax", "Dmin", "D2", "D5", "D10", "D50", "D95", "D98"])
    }
}
