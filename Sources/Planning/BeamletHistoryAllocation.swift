import Foundation

/// Histories per beamlet for a Monte Carlo recomputation of a fluence, D·w, at a fixed total.
///
/// With N_j histories for beamlet j and a per-history variance σ_ij² of its dose in voxel i, the dose of the
/// fluence has Var_i = Σ_j w_j² σ_ij² / N_j; at a fixed total Σ N_j this is smallest (Lagrange) for N_j ∝ w_j σ_ij,
/// i.e. N_j ∝ w_j when the beamlets' per-history variances are alike. The weighted allocation gives every beamlet
/// at least a floor (so low-weight beamlets keep a usable standard error and no column is empty) and spreads the
/// rest in proportion to the weights; the counts are integers summing to the total exactly, rounded by largest
/// remainder with ties to the lower index, so they depend on the weights alone.
public enum BeamletHistoryAllocation {
    /// Default floor as a fraction of the mean histories per beamlet.
    public static let floorFraction = 0.1

    /// Histories of each beamlet of `weights` (all > 0): the total `meanHistories × weights.count` in proportion to
    /// the weights, none below max(⌈floorFraction · meanHistories⌉, `minimumHistories`).
    /// - Throws: ``PlanningError`` for a non-positive weight or a floor above the mean.
    public static func weighted(weights: [Double], meanHistories: Int, minimumHistories: Int,
                                floorFraction: Double = floorFraction) throws -> [Int] {
        if let j = weights.firstIndex(where: { !($0 > 0) || !$0.isFinite }) {
            throw PlanningError("beamlet weight \(j) is \(weights[j]); a weighted allocation needs positive weights")
        }
        let floor = max(Int((floorFraction * Double(meanHistories)).rounded(.up)), minimumHistories)
        guard floor <= meanHistories else {
            throw PlanningError("the floor of \(floor) histories per beamlet exceeds the mean of \(meanHistories)")
        }
        let total = meanHistories * weights.count
        var floored = [Bool](repeating: false, count: weights.count)
        var shares = [Double](repeating: 0, count: weights.count)
        while true {
            let fixed = floored.filter { $0 }.count
            let budget = Double(total - floor * fixed)
            let free = zip(weights, floored).reduce(0.0) { $0 + ($1.1 ? 0 : $1.0) }
            var changed = false
            for j in weights.indices where !floored[j] {
                shares[j] = budget * weights[j] / free
                if shares[j] < Double(floor) { floored[j] = true; changed = true }
            }
            if !changed { break }
        }
        var counts = weights.indices.map { floored[$0] ? floor : max(floor, Int(shares[$0].rounded(.down))) }
        let remainder = total - counts.reduce(0, +)
        let order = weights.indices.filter { !floored[$0] }
            .sorted { (shares[$0] - shares[$0].rounded(.down), $1) > (shares[$1] - shares[$1].rounded(.down), $0) }
        for j in order.prefix(max(0, remainder)) { counts[j] += 1 }
        return counts
    }

    /// Histories of an influence matrix's beamlets by their dose fraction in the target (`history_allocation:
    /// target_fraction`): the total `meanHistories × fractions.count` in proportion to the fractions, none below
    /// max(⌈floorFraction · meanHistories⌉, `minimumHistories`) (a fraction of 0 gets the floor). At the optimised
    /// weights of a plan the target's dose comes mostly from beamlets aimed at it, which carry the larger weights.
    /// - Throws: ``PlanningError`` for a fraction outside [0, 1] or a floor above the mean.
    public static func targetFraction(fractions: [Double], meanHistories: Int, minimumHistories: Int) throws -> [Int] {
        if let j = fractions.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
            throw PlanningError("target fraction \(j) is \(fractions[j]); fractions lie in [0, 1]")
        }
        return try weighted(weights: fractions.map { max($0, 1e-12) }, meanHistories: meanHistories, minimumHistories: minimumHistories)
    }
}

