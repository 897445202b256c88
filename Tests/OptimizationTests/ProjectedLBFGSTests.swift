import Core
import Foundation
import Testing
import Optimization

/// The optimiser on problems with known solutions.
@Suite struct ProjectedLBFGSTests {
    let tight = QuasiNewtonOptions(maxIterations: 2000, relativeObjectiveTolerance: 0, projectedGradientTolerance: 1e-11)

    /// f = ½ xᵀAx − bᵀx in a box, with b built from a chosen KKT point: x₁ at its lower bound
    /// (gradient +0.8), x₃ at its upper bound (gradient −1.5), the rest free. Solved to 1e-6.
    @Test func boundConstrainedQuadratic() throws {
        let a: [[Double]] = [[4, 1, 0, 0.5, 0], [1, 3, 0.2, 0, 0], [0, 0.2, 5, 1, 0.3], [0.5, 0, 1, 2, 0.1], [0, 0, 0.3, 0.1, 1]]
        let solution = [0.7, 0, 1.2, 2, 0.4]
        let gradientAtSolution = [0, 0.8, 0, -1.5, 0]
        let lower = [-1.0, 0, -1, -1, -1], upper = [5.0, 5, 5, 2, 5]
        let b = (0..<5).map { i in (0..<5).reduce(0) { $0 + a[i][$1] * solution[$1] } - gradientAtSolution[i] }
        let result = try ProjectedLBFGS(options: tight).minimize(start: [3, 3, 3, 0, 3], lowerBounds: lower, upperBounds: upper) { x in
            let ax = (0..<5).map { i in (0..<5).reduce(0) { $0 + a[i][$1] * x[$1] } }
            let f = 0.5 * zip(x, ax).reduce(0) { $0 + $1.0 * $1.1 } - zip(b, x).reduce(0) { $0 + $1.0 * $1.1 }
            return (f, zip(ax, b).map { $0 - $1 })
        }
        for i in 0..<5 { #expect(abs(result.weights[i] - solution[i]) <= 1e-6, "x\(i) = \(result.weights[i])") }
        #expect(result.stopReason != .iterationLimit)
    }

    /// Non-negative least squares min ‖Ax − b‖² with x ≥ 0 (10 × 6) against a brute-force enumeration of
    /// all 64 active sets; agreement within 1e-6.
    @Test func nonNegativeLeastSquaresMatchesActiveSetEnumeration() throws {
        var rng = RandomStream(seed: 42)
        let a = (0..<10).map { _ in (0..<6).map { _ in rng.uniform() * 2 - 0.5 } }
        let unconstrained = [1, -0.5, 0.8, -1, 0.6, 0.3]
        let b = a.map { row in zip(row, unconstrained).reduce(0) { $0 + $1.0 * $1.1 } + 0.05 * (rng.uniform() - 0.5) }
        let reference = NNLSReference.solve(a, b)
        #expect(reference.contains(0) && reference.contains { $0 > 0 }, "the reference must have active and free bounds")
        let result = try ProjectedLBFGS(options: tight).minimize(start: [Double](repeating: 1, count: 6)) { x in
            let r = a.indices.map { i in zip(a[i], x).reduce(0) { $0 + $1.0 * $1.1 } - b[i] }
            let g = (0..<6).map { j in 2 * a.indices.reduce(0) { $0 + a[$1][j] * r[$1] } }
            return (r.reduce(0) { $0 + $1 * $1 }, g)
        }
        for j in 0..<6 { #expect(abs(result.weights[j] - reference[j]) <= 1e-6, "x\(j) = \(result.weights[j]) vs \(reference[j])") }
    }

    /// Rosenbrock from (−1.2, 1): unconstrained to (1, 1) within 1e-6; with x ≤ 0.5 to (0.5, 0.25).
    @Test func rosenbrock() throws {
        func rosen(_ x: [Double]) -> (objective: Double, gradient: [Double]) {
            let t = x[1] - x[0] * x[0]
            return (100 * t * t + (1 - x[0]) * (1 - x[0]), [-400 * x[0] * t - 2 * (1 - x[0]), 200 * t])
        }
        let free = try ProjectedLBFGS(options: tight).minimize(start: [-1.2, 1], lowerBounds: [-.infinity, -.infinity],
                                                               upperBounds: [.infinity, .infinity], evaluate: rosen)
        #expect(abs(free.weights[0] - 1) <= 1e-6 && abs(free.weights[1] - 1) <= 1e-6, "\(free.weights)")
        let bounded = try ProjectedLBFGS(options: tight).minimize(start: [-1.2, 1], lowerBounds: [-.infinity, -.infinity],
                                                                  upperBounds: [0.5, .infinity], evaluate: rosen)
        #expect(abs(bounded.weights[0] - 0.5) <= 1e-6 && abs(bounded.weights[1] - 0.25) <= 1e-6, "\(bounded.weights)")
    }

    @Test func stopsOnIterationCapAndRelativeChange() throws {
        func rosen(_ x: [Double]) -> (objective: Double, gradient: [Double]) {
            let t = x[1] - x[0] * x[0]
            return (1 + 100 * t * t + (1 - x[0]) * (1 - x[0]), [-400 * x[0] * t - 2 * (1 - x[0]), 200 * t])
        }
        let capped = try ProjectedLBFGS(options: QuasiNewtonOptions(maxIterations: 2)).minimize(start: [0, 0], evaluate: rosen)
        #expect(capped.iterations == 2 && capped.stopReason == .iterationLimit)
        let loose = try ProjectedLBFGS(options: QuasiNewtonOptions(relativeObjectiveTolerance: 1e-2, projectedGradientTolerance: 0))
            .minimize(start: [0, 0], evaluate: rosen)
        #expect(loose.stopReason == .relativeObjectiveChange)
        #expect(loose.objectiveHistory.count == loose.iterations + 1)
        #expect(zip(loose.objectiveHistory, loose.objectiveHistory.dropFirst()).allSatisfy { $0 > $1 })
    }

    /// With the relative-change test off, a separable quadratic in a box stops on the projected-gradient norm, at or
    /// below the tolerance, at the box-clipped minimum (x₂'s unconstrained minimum −2 lies below its bound 0).
    @Test func stopsOnProjectedGradientNorm() throws {
        let c = [1.5, -2.0, 0.25]
        let result = try ProjectedLBFGS(options: QuasiNewtonOptions(maxIterations: 200, relativeObjectiveTolerance: 0, projectedGradientTolerance: 1e-7))
            .minimize(start: [4, 4, 4], lowerBounds: [0, 0, 0], upperBounds: [10, 10, 10]) { x in
                (zip(x, c).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }, zip(x, c).map { 2 * ($0 - $1) })
            }
        #expect(result.stopReason == .projectedGradient && result.projectedGradientNorm <= 1e-7)
        for (x, expected) in zip(result.weights, [1.5, 0, 0.25]) { #expect(abs(x - expected) <= 1e-7) }
    }

    @Test func rejectsMismatchedBounds() {
        #expect(throws: OptimizationError.self) {
            try ProjectedLBFGS().minimize(start: [1, 2], lowerBounds: [0]) { x in (0, x) }
        }
        #expect(throws: OptimizationError.self) {
            try ProjectedLBFGS().minimize(start: [1, 2]) { _ in (0, [0]) }
        }
    }
}
