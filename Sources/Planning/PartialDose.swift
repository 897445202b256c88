import Dose

/// The Monte Carlo dose of one batch's beamlets at given weights, summed where they were simulated: Σ_j w_j d_ij
/// and Σ_j (w_j σ_ij)² over the batch's beamlets j, on the voxels any of them reached (ascending). Computed
/// without a column threshold: a forward dose stores no columns, so none of the far scatter needs dropping
/// (a relative threshold keeps an entry only when its noisy value exceeds it, which biases a summed dose low).
public struct PartialDose: Sendable, Equatable {
    /// Dose-grid voxel indices, ascending.
    public var rows: [Int32]
    /// Σ_j w_j d_ij per row, Gy.
    public var doseGy: [Double]
    /// Σ_j (w_j σ_ij)² per row, Gy².
    public var varianceGy2: [Double]
    /// The batch's energy balance (unweighted, per simulated history).
    public var bookkeeping: EnergyBookkeeping

    public init(rows: [Int32], doseGy: [Double], varianceGy2: [Double], bookkeeping: EnergyBookkeeping) {
        self.rows = rows
        self.doseGy = doseGy
        self.varianceGy2 = varianceGy2
        self.bookkeeping = bookkeeping
    }

    /// The weighted sum of `columns` (in order) at `weights` (one per column) on a grid of `voxelCount` voxels.
    public init(columns: [BeamletColumn], weights: [Double], voxelCount: Int) throws {
        var scratch = PartialDoseScratch()
        try self.init(columns: columns, weights: weights, voxelCount: voxelCount, scratch: &scratch)
    }

    /// The same sum (the same bits) accumulated in `scratch`, which is all zero again afterwards and can serve the next
    /// batch: a worker keeps one instead of allocating and zeroing three grid-sized arrays for every batch.
    public init(columns: [BeamletColumn], weights: [Double], voxelCount: Int, scratch: inout PartialDoseScratch) throws {
        guard weights.count == columns.count else {
            throw PlanningError("\(weights.count) weights for \(columns.count) beamlet columns")
        }
        if let j = weights.firstIndex(where: { !$0.isFinite || $0 < 0 }) {
            throw PlanningError("beamlet weight \(j) of the batch is \(weights[j]); weights must be finite and non-negative")
        }
        if scratch.dose.count != voxelCount { scratch = PartialDoseScratch(voxelCount: voxelCount) }
        var balance = EnergyBookkeeping()
        do {
            for (column, w) in zip(columns, weights) {
                balance.add(column.bookkeeping)
                for (n, row) in column.rowIndices.enumerated() {
                    let i = Int(row)
                    guard i >= 0, i < voxelCount else { throw PlanningError("beamlet \(column.beamletID) reaches voxel \(i) outside the grid") }
                    scratch.dose[i] += w * Double(column.doseGy[n])
                    let s = w * Double(column.uncertaintyGy[n])
                    scratch.variance[i] += s * s
                    scratch.reached[i] = true
                }
            }
        } catch {
            scratch = PartialDoseScratch()  // partly filled: not reusable
            throw error
        }
        let hit = scratch.reached.indices.filter { scratch.reached[$0] }
        self.init(rows: hit.map { Int32($0) }, doseGy: hit.map { scratch.dose[$0] }, varianceGy2: hit.map { scratch.variance[$0] },
                  bookkeeping: balance)
        for i in hit {
            scratch.dose[i] = 0
            scratch.variance[i] = 0
            scratch.reached[i] = false
        }
    }
}

/// Grid-sized accumulators of ``PartialDose/init(columns:weights:voxelCount:scratch:)``, all zero between uses.
public struct PartialDoseScratch: Sendable {
    var dose: [Double]
    var variance: [Double]
    var reached: [Bool]

    /// Empty; sized by its first use.
    public init() { self.init(voxelCount: 0) }

    init(voxelCount: Int) {
        dose = [Double](repeating: 0, count: voxelCount)
        variance = [Double](repeating: 0, count: voxelCount)
        reached = [Bool](repeating: false, count: voxelCount)
    }

    /// Whether every accumulator is zero (tests).
    public var isClear: Bool { dose.allSatisfy { $0 == 0 } && variance.allSatisfy { $0 == 0 } && !reached.contains(true) }
}

extension BeamletBatch {
    /// Simulates the batch and sums its beamlets at `weights` (one per id of the range), with no column threshold
    /// (``PartialDose``); the batch's `statistics.thresholdRelative` is not used.
    public func partialDose(weights: [Double]) throws -> PartialDose {
        var calculator = try makeCalculator()
        return try partialDose(weights: weights, using: &calculator)
    }

    /// ``partialDose(weights:)`` with a reused calculator (see ``columns(thresholdRelative:using:)``); the same bits.
    public func partialDose(weights: [Double], using calculator: inout BeamletDoseCalculator) throws -> PartialDose {
        var scratch = PartialDoseScratch()
        return try partialDose(weights: weights, using: &calculator, scratch: &scratch)
    }

    /// ``partialDose(weights:)`` with a reused calculator and accumulator scratch; the same bits.
    public func partialDose(weights: [Double], using calculator: inout BeamletDoseCalculator, scratch: inout PartialDoseScratch) throws -> PartialDose {
        guard weights.count == beamletIDs.count else {
            throw PlanningError("\(weights.count) weights for the \(beamletIDs.count) beamlets \(beamletIDs)")
        }
        return try PartialDose(columns: columns(thresholdRelative: 0, using: &calculator), weights: weights, voxelCount: patient.grid.voxelCount,
                               scratch: &scratch)
    }
}
