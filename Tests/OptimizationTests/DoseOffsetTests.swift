import Foundation
import Testing
@testable import Optimization

/// The fixed per-voxel dose offset of ``FluencePlanBlock``: the cost sees D·w + c, the gradient stays Dᵀ ∂f/∂d.
@Suite struct DoseOffsetTests {
    static let dense = TestMatrices.dense(rows: 30, cols: 6, density: 0.6, seed: 3)
    static let objectives = [
        DoseObjective(function: .squaredDeviation(doseGy: 2), penalty: 10, voxels: (0..<12).map { Int32($0) }),
        DoseObjective(function: .minDVH(doseGy: 1.9, volumePct: 90), penalty: 5, voxels: (0..<12).map { Int32($0) }),
        DoseObjective(function: .eud(doseGy: 1, exponent: 6), penalty: 2, voxels: (12..<30).map { Int32($0) }),
        DoseObjective(function: .meanDose(doseGy: 0.5), penalty: 3, voxels: (12..<30).map { Int32($0) }),
    ]
    /// Offsets of both signs, −0.3 … +0.28 Gy.
    static let offsetGy: [Double] = (0..<30).map { 0.02 * Double(($0 * 11) % 30) - 0.3 }
    static let weights = [0.7, 1.1, 0.4, 0.9, 1.3, 0.5]

    /// Central differences (step 1e-5) of the cost with an offset agree with its gradient within 1e-6 × max(1, |g|); the
    /// cost equals that of a block without offset evaluated on the shifted dose (identity matrix, dose D·w + c given directly)
    /// within 1e-12 relative.
    @Test func gradientWithOffsetMatchesFiniteDifferences() throws {
        let block = try FluencePlanBlock(matrix: try TestMatrices.csr(Self.dense), objectives: Self.objectives, doseOffsetGy: Self.offsetGy)
        let plain = try FluencePlanBlock(matrix: try TestMatrices.csr(Self.dense), objectives: Self.objectives)
        let g = block.evaluate(weights: Self.weights).gradient
        let fd = TestMatrices.centralDifference({ block.evaluate(weights: $0).objective }, at: Self.weights, h: 1e-5)
        for j in g.indices { #expect(abs(g[j] - fd[j]) <= 1e-6 * max(1, abs(g[j])), "beamlet \(j): \(g[j]) vs \(fd[j])") }
        #expect(g != plain.evaluate(weights: Self.weights).gradient, "the offset moves the dose the gradient is taken at")
        let shifted = zip(plain.matrix.dose(weights: Self.weights), Self.offsetGy).map { $0 + $1 }
        let onDose = try FluencePlanBlock(matrix: try TestMatrices.identity(30), objectives: Self.objectives)
        let expected = onDose.evaluate(weights: shifted).objective
        #expect(abs(block.evaluate(weights: Self.weights).objective - expected) <= 1e-12 * abs(expected))
    }

    /// A zero offset gives bitwise the cost and gradient of no offset; a wrong length or a non-finite value is rejected.
    @Test func zeroOffsetIsBitwiseNoOffsetAndBadOffsetsAreRejected() throws {
        let m = try TestMatrices.csr(Self.dense)
        let zero = try FluencePlanBlock(matrix: m, objectives: Self.objectives, doseOffsetGy: [Double](repeating: 0, count: 30))
        let none = try FluencePlanBlock(matrix: m, objectives: Self.objectives)
        let a = zero.evaluate(weights: Self.weights), b = none.evaluate(weights: Self.weights)
        #expect(a.objective == b.objective && a.gradient == b.gradient && a.termObjectives == b.termObjectives)
        #expect(throws: OptimizationError.self) { try FluencePlanBlock(matrix: m, objectives: Self.objectives, doseOffsetGy: [0, 1]) }
        var bad = Self.offsetGy
        bad[4] = .nan
        #expect(throws: OptimizationError.self) { try FluencePlanBlock(matrix: m, objectives: Self.objectives, doseOffsetGy: bad) }
    }
}
