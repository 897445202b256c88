import Foundation
import Testing
@testable import Optimization

/// Every objective's gradient against central finite differences (step 1e-4 Gy; agreement within
/// 1e-6 × max(1, |g|)). Doses are spread 0.37 Gy apart and away from the reference doses, so no
/// voxel crosses a kink of a piecewise term within the step.
@Suite struct ObjectiveGradientTests {
    static let functions: [ObjectiveFunction] = [
        .squaredDeviation(doseGy: 20), .squaredUnderdose(doseGy: 21.1), .squaredOverdose(doseGy: 18.2),
        .minDVH(doseGy: 24.1, volumePct: 60), .maxDVH(doseGy: 15.1, volumePct: 30),
        .meanDose(doseGy: 10), .eud(doseGy: 12, exponent: 4), .eud(doseGy: 25, exponent: -8),
    ]
    /// 40 voxel doses 12.0 … 26.4 Gy in a scrambled order.
    static let doseGy: [Double] = (0..<40).map { 12 + 0.37 * Double(($0 * 17) % 40) }

    func cost(_ f: ObjectiveFunction, _ d: [Double]) throws -> PartialEvaluation {
        let voxels = (0..<40).filter { $0 % 7 != 3 }.map { Int32($0) }
        let block = try FluencePlanBlock(matrix: try TestMatrices.identity(40),
                                         objectives: [DoseObjective(function: f, penalty: 3.5, voxels: voxels)])
        return block.evaluate(weights: d)
    }

    @Test(arguments: functions) func doseGradientMatchesFiniteDifference(_ f: ObjectiveFunction) throws {
        let g = try cost(f, Self.doseGy).gradient
        let fd = TestMatrices.centralDifference({ (try? cost(f, $0).objective) ?? .nan }, at: Self.doseGy, h: 1e-4)
        #expect(try cost(f, Self.doseGy).objective > 0)
        for i in g.indices { #expect(abs(g[i] - fd[i]) <= 1e-6 * max(1, abs(g[i])), "voxel \(i): \(g[i]) vs \(fd[i])") }
        #expect(g.contains { $0 != 0 })
    }

    @Test func valuesMatchDefinitions() throws {
        let voxels = (0..<40).filter { $0 % 7 != 3 }
        let d = voxels.map { Self.doseGy[$0] }
        let n = Double(d.count)
        let mean = d.reduce(0, +) / n
        #expect(abs(try cost(.meanDose(doseGy: 10), Self.doseGy).objective - 3.5 * (mean - 10) * (mean - 10)) < 1e-9)
        let dev = d.reduce(0) { $0 + ($1 - 20) * ($1 - 20) } / n
        #expect(abs(try cost(.squaredDeviation(doseGy: 20), Self.doseGy).objective - 3.5 * dev) < 1e-9)
        let eud = pow(d.reduce(0) { $0 + pow($1, 4) } / n, 0.25)
        #expect(abs(try cost(.eud(doseGy: 12, exponent: 4), Self.doseGy).objective - 3.5 * (eud - 12) * (eud - 12)) < 1e-9)
        // Max-DVH 15.1 Gy at 30 %: only voxels between 15.1 Gy and D30 (the 30 % hottest boundary) count.
        let sorted = d.sorted(by: >)
        let d30 = sorted[Int((0.3 * n).rounded(.up)) - 1]
        let maxDVH = d.filter { $0 >= 15.1 && $0 <= d30 }.reduce(0) { $0 + ($1 - 15.1) * ($1 - 15.1) } / n
        #expect(abs(try cost(.maxDVH(doseGy: 15.1, volumePct: 30), Self.doseGy).objective - 3.5 * maxDVH) < 1e-9)
    }

    @Test func weightGradientIsChainRuleThroughMatrix() throws {
        let dense = TestMatrices.dense(rows: 30, cols: 6, density: 0.6, seed: 3)
        let m = try TestMatrices.csr(dense)
        let objectives = [
            DoseObjective(function: .squaredDeviation(doseGy: 2), penalty: 10, voxels: (0..<15).map { Int32($0) }),
            DoseObjective(function: .eud(doseGy: 1, exponent: 6), penalty: 2, voxels: (15..<30).map { Int32($0) }),
        ]
        let block = try FluencePlanBlock(matrix: m, objectives: objectives)
        let w = [0.7, 1.1, 0.4, 0.9, 1.3, 0.5]
        let g = block.evaluate(weights: w).gradient
        let fd = TestMatrices.centralDifference({ block.evaluate(weights: $0).objective }, at: w, h: 1e-5)
        for j in g.indices { #expect(abs(g[j] - fd[j]) <= 1e-6 * max(1, abs(g[j]))) }
    }

    @Test func rejectsBadParameters() throws {
        let m = try TestMatrices.identity(3)
        #expect(throws: OptimizationError.self) { try FluencePlanBlock(matrix: m, objectives: [DoseObjective(function: .eud(doseGy: 1, exponent: 0), penalty: 1, voxels: [0])]) }
        #expect(throws: OptimizationError.self) { try FluencePlanBlock(matrix: m, objectives: [DoseObjective(function: .meanDose(doseGy: 1), penalty: 1, voxels: [3])]) }
        #expect(throws: OptimizationError.self) { try FluencePlanBlock(matrix: m, objectives: [DoseObjective(function: .maxDVH(doseGy: 1, volumePct: 101), penalty: 1, voxels: [0])]) }
    }
}
