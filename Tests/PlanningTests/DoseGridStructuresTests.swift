import Core
import Jobs
import Testing
@testable import Planning

/// Resampling to the dose grid, overlap resolution and name checks.
@Suite struct DoseGridStructuresTests {
    /// A mask on an 8³ CT grid of 1 mm voxels (origin 0) holding CT columns x = 2…5.
    func slab() throws -> MaskVolume {
        let g = try Grid(nx: 8, ny: 8, nz: 8, spacingMM: SIMD3(repeating: 1))
        return try MaskVolume(grid: g, voxels: (0..<g.voxelCount).map { (2..<6).contains($0 % 8) ? 1 : 0 })
    }

    @Test func voxelCentreSampling() throws {
        // 2 mm dose voxels centred at 0.5 + 2i mm: their centres fall in CT x = 1, 3, 5, 7 (half-way
        // rounds away from zero), so dose columns 1 and 2 are inside: 2 × 4 × 4 voxels, the same 32 mm³ × 8.
        let dose = try Grid(nx: 4, ny: 4, nz: 4, spacingMM: SIMD3(repeating: 2), originMM: SIMD3(repeating: 0.5))
        let s = try DoseGridStructures([ContouredStructure(name: "slab", mask: slab())], doseGrid: dose)
        let m = s.masks["slab"]!
        #expect(m.voxels.reduce(0) { $0 + Int($1) } == 32)
        #expect(m[1, 0, 0] == 1 && m[2, 3, 3] == 1 && m[0, 0, 0] == 0 && m[3, 1, 2] == 0)
        // A dose grid reaching outside the CT: centres outside are outside.
        let shifted = try Grid(nx: 4, ny: 4, nz: 4, spacingMM: SIMD3(repeating: 2), originMM: SIMD3(3.5, 0.5, 6.5))
        let t = try DoseGridStructures([ContouredStructure(name: "slab", mask: slab())], doseGrid: shifted)
        #expect(t.masks["slab"]!.voxels.reduce(0) { $0 + Int($1) } == 4)  // x = 0 (CT 4), y 0…3, z = 0 (CT 7) only
    }

    @Test func overlapsResolvedForCostKeptForEvaluation() throws {
        let f = try #require(WaterPlanFixture.shared)
        let s = f.doseGrid
        let count = { (n: String) in s.masks[n]!.voxels.reduce(0) { $0 + Int($1) } }
        #expect(count("ptv") == 216 && count("oar") == 4 * 4 * 6)
        #expect(s.optimisationRows["ptv"]!.count == 216 && s.optimisationRows["oar"]!.count == 96)
        #expect(s.optimisationRows["body"]!.count == count("body") - 216 - 96)
        #expect(s.optimisationRows["body"]!.allSatisfy { s.masks["ptv"]!.voxels[Int($0)] == 0 })
    }

    @Test func unknownNamesAreRejectedWithTheKnownOnes() throws {
        let f = try #require(WaterPlanFixture.shared)
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "" } catch { return "\(error)" }
        }
        let badObjective = message {
            _ = try PlanObjectives.resolve(.listed([ObjectiveSpec(structure: "Rectum", type: .meanDose, doseGy: 0)]), structures: f.doseGrid)
        }
        #expect(badObjective.contains("\"Rectum\"") && badObjective.contains("\"body\", \"oar\", \"ptv\"") && badObjective.contains("objectives[0]"))
        let badGoal = message {
            _ = try PlanEvaluation(doseGy: try f.influence.dose(weights: Array(repeating: 1, count: f.influence.columnCount)),
                                   structures: f.doseGrid, prescription: f.prescription,
                                   goals: [GoalSpec(structure: "PTV", metric: .meanDose, comparator: .atLeast, value: 1)], objectives: [])
        }
        #expect(badGoal.contains("goals[0]") && badGoal.contains("\"PTV\"") && badGoal.contains("\"ptv\""))
        let badTarget = message {
            _ = try FluenceOptimisation(influence: f.influence, structures: f.doseGrid, objectives: [f.targetObjective],
                                        prescription: PrescriptionSpec(target: "gtv", doseGy: 60))
        }
        #expect(badTarget.contains("prescription.target") && badTarget.contains("\"gtv\""))
    }
}
