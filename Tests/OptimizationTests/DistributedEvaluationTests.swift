import Testing
import Core
@testable import Optimization

/// A block split into row slabs gives, after summing over "ranks", the single-block cost and gradient.
@Suite struct DistributedEvaluationTests {
    @Test(arguments: [2, 3]) func slabsSumToWholeProblem(ranks: Int) throws {
        let rows = 60, beamlets = 9
        let dense = TestMatrices.dense(rows: rows, cols: beamlets, density: 0.5, seed: 11)
        let target = (10..<35).map { Int32($0) }, organ = (30..<58).map { Int32($0) }
        let functions: [(ObjectiveFunction, [Int32])] = [
            (.squaredDeviation(doseGy: 3), target), (.minDVH(doseGy: 3.2, volumePct: 90), target),
            (.maxDVH(doseGy: 1, volumePct: 25), organ), (.meanDose(doseGy: 0), organ),
            (.eud(doseGy: 1, exponent: 3), organ), (.squaredOverdose(doseGy: 2), organ),
        ]
        let whole = try FluencePlanBlock(matrix: TestMatrices.csr(dense),
                                         objectives: functions.map { DoseObjective(function: $0.0, penalty: 5, voxels: $0.1) })
        let w = (0..<beamlets).map { 0.2 + 0.1 * Double($0 % 4) }
        let reference = whole.evaluate(weights: w)

        let (offsets, rowIndices, values) = TestMatrices.csc(dense)
        let bounds = (0...ranks).map { $0 * rows / ranks }
        let blocks = try (0..<ranks).map { r in
            let range = bounds[r]..<bounds[r + 1]
            let local = functions.map { f, v in
                DoseObjective(function: f, penalty: 5, voxels: v.filter { range.contains(Int($0)) }.map { $0 - Int32(range.lowerBound) },
                              structureVoxelCount: v.count)
            }
            return try FluencePlanBlock(matrix: InfluenceMatrix(columnOffsets: offsets, rowIndices: rowIndices, values: values, rows: range),
                                        objectives: local)
        }
        let world = ThreadRanks(count: ranks)
        let parts = world.run { r in blocks[r].evaluate(weights: w, reduceStatistics: world.allreduce) }
        let objective = parts.reduce(0) { $0 + $1.objective }
        #expect(abs(objective - reference.objective) <= 1e-10 * reference.objective)
        for j in 0..<beamlets {
            let g = parts.reduce(0) { $0 + $1.gradient[j] }
            #expect(abs(g - reference.gradient[j]) <= 1e-10 * max(1, abs(reference.gradient[j])))
        }
        for t in functions.indices {
            let term = parts.reduce(0) { $0 + $1.termObjectives[t] }
            #expect(abs(term - reference.termObjectives[t]) <= 1e-10 * max(1e-12, reference.termObjectives[t]))
        }
    }

    @Test func radixSelectionFindsExactRank() {
        var rng = RandomStream(seed: 5)
        let doses = (0..<500).map { _ in rng.uniform() * 70 } + [0, 0, 1e-300]
        let voxels = doses.indices.map { Int32($0) }
        let sorted = doses.sorted(by: >)
        for k in [1, 2, 17, 250, 499, 503] {
            var s = DoseRankSelection(rank: k)
            for _ in 0..<DoseRankSelection.roundCount {
                var h = [Double](repeating: 0, count: 256)
                doses.withUnsafeBufferPointer { d in h.withUnsafeMutableBufferPointer { s.accumulate(doseGy: d, voxels: voxels, into: $0) } }
                s.advance(histogram: h[...])
            }
            #expect(s.doseGy == sorted[k - 1])
        }
        #expect(DoseRankSelection.rank(volumePct: 95, count: 100) == 95)
        #expect(DoseRankSelection.rank(volumePct: 0, count: 100) == 1)
        #expect(DoseRankSelection.rank(volumePct: 100, count: 7) == 7)
    }
}
