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

extension ForwardDose {
    /// The dose summed from partial doses (in the given order, so the sum does not depend on who computed them):
    /// Σ over batches of Σ_j w_j d_ij, and its standard error √(Σ (w_j σ_ij)²), beamlets being independent.
    /// - Throws: ``PlanningError`` when a partial's fields disagree in length or reach outside `grid`.
    public init(grid: Grid, partials: [PartialDose]) throws {
        var dose = [Double](repeating: 0, count: grid.voxelCount), variance = dose
        for (b, p) in partials.enumerated() {
            guard p.doseGy.count == p.rows.count, p.varianceGy2.count == p.rows.count else {
                throw PlanningError("partial dose \(b): \(p.rows.count) rows, \(p.doseGy.count) doses, \(p.varianceGy2.count) variances")
            }
            for (n, row) in p.rows.enumerated() {
                let i = Int(row)
                guard i >= 0, i < grid.voxelCount else { throw PlanningError("partial dose \(b) reaches voxel \(i) outside the grid") }
                dose[i] += p.doseGy[n]
                variance[i] += p.varianceGy2[n]
            }
        }
        try self.init(doseGy: DoseVolume(grid: grid, voxels: dose.map { Float($0) }),
                      uncertaintyGy: DoseVolume(grid: grid, voxels: variance.map { Float($0.squareRoot()) }))
    }

    /// The mean relative statistical uncertainty σ/D over the voxels of `mask` (on the dose grid) that receive
    /// dose, the figure Monte Carlo planning quotes for a structure; 0 when none does.
    /// - Throws: ``PlanningError`` when the mask is on another grid.
    public func meanRelativeUncertainty(in mask: MaskVolume) throws -> Double {
        guard mask.grid == doseGy.grid else { throw PlanningError("a mask on \(mask.grid) for a dose on \(doseGy.grid)") }
        var sum = 0.0, count = 0
        for (i, inside) in mask.voxels.enumerated() where inside != 0 && doseGy.voxels[i] > 0 {
            sum += Double(uncertaintyGy.voxels[i]) / Double(doseGy.voxels[i])
            count += 1
        }
        return count > 0 ? sum / Double(count) : 0
    }

    private init(doseGy: DoseVolume, uncertaintyGy: DoseVolume) {
        self.doseGy = doseGy
        self.uncertaintyGy = uncertaintyGy
    }
}
