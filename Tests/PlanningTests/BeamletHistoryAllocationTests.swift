import Core
import Foundation
import Testing
@testable import Planning

/// The weighted history allocation of a fluence recomputation, and batches cut by histories.
@Suite struct BeamletHistoryAllocationTests {
    static let skewed: [Double] = [20, 10, 5, 2, 1, 0.5, 0.2, 0.1]

    /// The counts sum to the total exactly, respect the floor (10 % of the mean, at least the minimum), are
    /// proportional to the weights above it (within one history of the real share), and depend on the weights alone.
    @Test func countsKeepTheTotalAndTheFloor() throws {
        let counts = try BeamletHistoryAllocation.weighted(weights: Self.skewed, meanHistories: 100, minimumHistories: 2)
        #expect(counts.reduce(0, +) == 800)
        #expect(counts.allSatisfy { $0 >= 10 })
        // 0.2 and 0.1 fall below the floor (800 · 0.2 / 38.8 = 4.1): 780 histories over the other 38.5 weight units.
        #expect(counts[6] == 10 && counts[7] == 10)
        for j in 0..<6 { #expect(abs(Double(counts[j]) - 780 * Self.skewed[j] / 38.5) < 1, "beamlet \(j): \(counts[j])") }
        #expect(try BeamletHistoryAllocation.weighted(weights: Self.skewed, meanHistories: 100, minimumHistories: 2) == counts)
        let even = try BeamletHistoryAllocation.weighted(weights: [1, 1, 1], meanHistories: 7, minimumHistories: 2)
        #expect(even == [7, 7, 7], "equal weights give the uniform allocation")
        let ties = try BeamletHistoryAllocation.weighted(weights: [1, 1], meanHistories: 5, minimumHistories: 1, floorFraction: 0)
        #expect(ties == [5, 5])
        let minimum = try BeamletHistoryAllocation.weighted(weights: [1000, 1], meanHistories: 100, minimumHistories: 30)
        #expect(minimum == [170, 30], "the minimum (uncertainty batches) beats a lower 10 % floor")
        #expect(throws: PlanningError.self) { try BeamletHistoryAllocation.weighted(weights: [1, 0], meanHistories: 100, minimumHistories: 2) }
        #expect(throws: PlanningError.self) { try BeamletHistoryAllocation.weighted(weights: [1], meanHistories: 10, minimumHistories: 11) }
    }

    /// Variance identity on a toy: beamlet j's dose estimate is the mean of N_j unit-exponential scores (per-history
    /// σ = 1, mean 1), D = Σ w_j x̄_j with true value Σ w_j = 38.8. Analytic Var(D) = Σ w_j² / N_j: 5.303 uniform
    /// (N = 100), 1.906 weighted (same 800 histories), σ ratio 0.60. Over 600 independent replicates each: the
    /// sample variances agree with the analytic ones within 25 % (the estimate's relative σ is ≈ √(2/600) ≈ 6 %), the
    /// weighted σ is below 0.75 × the uniform one, and both means are within 4 σ/√600 of 38.8 (unbiased).
    @Test func weightedAllocationLowersTheVarianceOfTheFluenceDoseWithoutBias() throws {
        let w = Self.skewed, truth = w.reduce(0, +), replicates = 600
        let uniform = [Int](repeating: 100, count: w.count)
        let weighted = try BeamletHistoryAllocation.weighted(weights: w, meanHistories: 100, minimumHistories: 2)
        #expect(weighted.reduce(0, +) == uniform.reduce(0, +))
        func statistics(_ counts: [Int], seed: UInt64) -> (mean: Double, variance: Double, analytic: Double) {
            var doses: [Double] = []
            for r in 0..<replicates {
                var dose = 0.0
                for (j, n) in counts.enumerated() {
                    var rng = RandomStream(seed: seed &+ UInt64(r), stream: UInt64(j))
                    var sum = 0.0
                    for _ in 0..<n { sum += -log(1 - rng.uniform()) }
                    dose += w[j] * sum / Double(n)
                }
                doses.append(dose)
            }
            let mean = doses.reduce(0, +) / Double(replicates)
            let variance = doses.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(replicates - 1)
            return (mean, variance, zip(w, counts).reduce(0) { $0 + $1.0 * $1.0 / Double($1.1) })
        }
        let u = statistics(uniform, seed: 1000), v = statistics(weighted, seed: 5000)
        #expect(abs(u.analytic - 5.303) < 0.001 && abs(v.analytic - 1.906) < 0.01, "\(u.analytic), \(v.analytic)")
        for s in [u, v] {
            #expect(abs(s.variance / s.analytic - 1) < 0.25, "sample variance \(s.variance), analytic \(s.analytic)")
            #expect(abs(s.mean - truth) < 4 * (s.analytic / Double(replicates)).squareRoot(), "mean \(s.mean)")
        }
        #expect(v.variance.squareRoot() < 0.75 * u.variance.squareRoot(), "σ weighted \(v.variance.squareRoot()), uniform \(u.variance.squareRoot())")
    }

    /// Batches by histories: every simulated id in exactly one batch, in order, each batch starting and ending on a
    /// simulated id and spanning unsimulated ones (ids 300..<310 have 0 histories); no batch of two or more simulated
    /// beamlets exceeds 1/64 of all histories or 64 simulated beamlets; a heavier beamlet (5000 > 1146) is a batch alone.
    @Test func batchesAreCutByHistories() {
        let histories = (0..<400).map { id in (300..<310).contains(id) ? 0 : id % 50 == 0 ? 5000 : 100 }
        let ranges = BeamletBatches.ranges(histories: histories)
        let simulated = ranges.flatMap { r in r.filter { histories[$0] > 0 } }
        #expect(simulated == (0..<400).filter { histories[$0] > 0 })
        #expect(ranges.allSatisfy { histories[$0.lowerBound] > 0 && histories[$0.upperBound - 1] > 0 })
        #expect(ranges.contains { $0.contains(299) && $0.contains(310) }, "a batch spans the unsimulated run")
        let target = (histories.reduce(0, +) + 63) / 64
        for r in ranges where r.filter({ histories[$0] > 0 }).count > 1 {
            #expect(r.reduce(0) { $0 + histories[$1] } <= target && r.filter { histories[$0] > 0 }.count <= BeamletBatches.maximumBatchSize, "\(r)")
        }
        for heavy in 0..<400 where histories[heavy] == 5000 { #expect(ranges.contains(heavy..<(heavy + 1)), "beamlet \(heavy)") }
        #expect(BeamletBatches.ranges(histories: [0, 0]).isEmpty)
    }
}
