import Foundation
import Testing
import Optimization

/// A 1-D "patient": 120 voxels of 1 mm, 30 beamlets with Gaussian profiles (σ = 3 mm, 4 mm apart),
/// a 30 mm target (60 Gy, squared deviation, penalty 1000), an organ at risk 6 mm from it
/// (squared overdose above 20 Gy, penalty 300) and the body (squared overdose above 30 Gy, penalty 100).
@Suite struct SyntheticPatientTests {
    static let voxels = 120, beamlets = 30
    static let target = 40..<70, organ = 76..<90

    static func matrix() throws -> InfluenceMatrix {
        var offsets = [0], cols: [Int32] = [], vals: [Float] = []
        for i in 0..<voxels {
            for j in 0..<beamlets {
                let r = Double(i) - 4 * Double(j) - 2
                if abs(r) <= 12 { cols.append(Int32(j)); vals.append(Float(exp(-r * r / 18))) }
            }
            offsets.append(vals.count)
        }
        return try InfluenceMatrix(rowCount: voxels, beamletCount: beamlets, rowOffsets: offsets, beamletIndices: cols, values: vals)
    }

    /// Structure rows of `rows` after overlap resolution (PTV 1, OAR 2, BODY 3), keyed by name.
    static func structures(rows: Range<Int>) throws -> [String: [Int32]] {
        func mask(_ r: Range<Int>) -> [UInt8] { rows.map { r.contains($0) ? 1 : 0 } }
        return try PlanningStructure.resolveOverlaps([
            PlanningStructure(name: "PTV", overlapPriority: 1, mask: mask(target)),
            PlanningStructure(name: "OAR", overlapPriority: 2, mask: mask(organ)),
            PlanningStructure(name: "BODY", overlapPriority: 3, mask: mask(0..<voxels)),
        ])
    }

    static func objectives(rows: Range<Int>) throws -> [DoseObjective] {
        let local = try structures(rows: rows), global = try structures(rows: 0..<voxels)
        func term(_ f: ObjectiveFunction, _ p: Double, _ name: String) -> DoseObjective {
            DoseObjective(function: f, penalty: p, voxels: local[name]!, structureVoxelCount: global[name]!.count)
        }
        return [term(.squaredDeviation(doseGy: 60), 1000, "PTV"), term(.squaredOverdose(doseGy: 20), 300, "OAR"),
                term(.squaredOverdose(doseGy: 30), 100, "BODY")]
    }

    static func optimise() throws -> (OptimizationResult, [Double]) {
        let block = try FluencePlanBlock(matrix: matrix(), objectives: objectives(rows: 0..<voxels))
        let start = [Double](repeating: 1, count: beamlets)
        let result = try ProjectedLBFGS(options: QuasiNewtonOptions(maxIterations: 500, relativeObjectiveTolerance: 1e-10))
            .minimize(start: start) { w in
                let e = block.evaluate(weights: w)
                return (e.objective, e.gradient)
            }
        return (result, block.matrix.dose(weights: result.weights))
    }

    /// Target mean within 1 % of 60 Gy and its coldest voxel above 54 Gy (the Gaussian edge); the
    /// organ's mean below 20 Gy; no negative weights; the same run twice is bit-identical.
    @Test func meetsDoseLevels() throws {
        let (result, dose) = try Self.optimise()
        let ptv = Self.target.map { dose[$0] }, oar = Self.organ.map { dose[$0] }
        let ptvMean = ptv.reduce(0, +) / Double(ptv.count), oarMean = oar.reduce(0, +) / Double(oar.count)
        #expect(abs(ptvMean - 60) <= 0.6, "PTV mean \(ptvMean)")
        #expect(ptv.min()! >= 54, "PTV min \(ptv.min()!)")
        #expect(oarMean <= 20, "OAR mean \(oarMean)")
        #expect(result.weights.allSatisfy { $0 >= 0 })
        #expect(result.weights.contains(0), "some beamlets outside the target should switch off")
        let (again, _) = try Self.optimise()
        #expect(again == result)
    }

    /// Two slab "ranks" whose sums are reduced between them reach the single-process optimum (cost within 1e-6 relative).
    @Test func distributedOptimisationMatchesSingleProcess() throws {
        let (single, _) = try Self.optimise()
        let full = try Self.matrix()
        var cscOffsets = [0], cscRows: [Int32] = [], cscValues: [Float] = []
        for j in 0..<Self.beamlets {
            for i in 0..<Self.voxels {
                for e in full.rowOffsets[i]..<full.rowOffsets[i + 1] where full.beamletIndices[e] == Int32(j) {
                    cscRows.append(Int32(i)); cscValues.append(full.values[e])
                }
            }
            cscOffsets.append(cscValues.count)
        }
        let slabs = [0..<55, 55..<Self.voxels]
        let blocks = try slabs.map { rows in
            try FluencePlanBlock(matrix: InfluenceMatrix(columnOffsets: cscOffsets, rowIndices: cscRows, values: cscValues, rows: rows),
                                 objectives: Self.objectives(rows: rows))
        }
        let world = ThreadRanks(count: 2)
        let results = world.run { r in
            try! ProjectedLBFGS(options: QuasiNewtonOptions(maxIterations: 500, relativeObjectiveTolerance: 1e-10))
                .minimize(start: [Double](repeating: 1, count: Self.beamlets)) { w in
                    let e = blocks[r].evaluate(weights: w, reduceStatistics: world.allreduce)
                    var sums = e.gradient + [e.objective]
                    world.allreduce(&sums)
                    return (sums[Self.beamlets], Array(sums[0..<Self.beamlets]))
                }
        }
        #expect(results[0] == results[1], "ranks stay in lock-step")
        #expect(abs(results[0].objective - single.objective) <= 1e-6 * single.objective, "\(results[0].objective) vs \(single.objective)")
    }
}
