import Core
import Dose

/// The dose of given beamlet weights, D·w, with its statistical uncertainty √(Σ_j w_j² σ_ij²).
public struct ForwardDose: Sendable {
    /// Dose in Gy on the influence matrix's grid.
    public let doseGy: DoseVolume
    /// Standard error of `doseGy` in Gy.
    public let uncertaintyGy: DoseVolume

    /// The dose of `weights` (one finite, non-negative weight per column of `matrix`).
    /// - Throws: ``PlanningError`` naming the first bad weight or a count mismatch.
    public init(matrix: InfluenceMatrix, weights: [Double]) throws {
        guard weights.count == matrix.columnCount else {
            throw PlanningError("\(weights.count) beamlet weights for \(matrix.columnCount) beamlets")
        }
        if let j = weights.firstIndex(where: { !$0.isFinite || $0 < 0 }) {
            throw PlanningError("beamlet weight \(j) is \(weights[j]); weights must be finite and non-negative")
        }
        doseGy = try matrix.dose(weights: weights)
        uncertaintyGy = try matrix.doseUncertainty(weights: weights)
    }
}
