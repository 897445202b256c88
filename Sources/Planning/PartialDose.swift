import Dose

/// The Monte Carlo dose of one batch's beamlets at given weights, summed where they were simulated: Σ_j w_j d_ij
/// and its variance on the voxels any of them reached (ascending) — Σ_j (w_j σ_ij)² when summed from columns, the
/// batch variance of the sum when simulated (``BeamletDoseCalculator/forwardDose(_:seed:batches:_:)``). Computed
/// without a column threshold: a forward dose stores no columns, so none of the far scatter needs dropping
/// (a relative threshold keeps an entry only when its noisy value exceeds it, which biases a summed dose low).
public struct PartialDose: Sendable, Equatable {
    /// Dose-grid voxel indices, ascending.
    public var rows: [Int32]
    /// Σ_j w_j d_ij per row, Gy.
    public var doseGy: [Double]
    /// Variance of the row's dose, Gy².
    public var varianceGy2: [Double]
    /// The batch's energy balance (unweighted, per simulated history).
    public var bookkeeping: EnergyBookkeeping

    public init(rows: [Int32], doseGy: [Double], varianceGy2: [Double], bookkeeping: EnergyBookkeeping) {
        self.rows = rows
        self.doseGy = doseGy
        self.varianceGy2 = varianceGy2
        self.bookkeeping = bookkeeping
    }

    /// The weighted sum of given `columns` (in order) at `weights` (one per column) on a grid of `voxelCount` voxels,
    /// with Σ_j (w_j σ_ij)²: columns from a matrix; the reference a simulated batch (``BeamletBatch/partialDose(weights:)``)
    /// is tested against.
    public init(columns: [BeamletColumn], weights: [Double], voxelCount: Int) throws {
        guard weights.count == columns.count else {
            throw PlanningError("\(weights.count) weights for \(columns.count) beamlet columns")
        }
        if let j = weights.firstIndex(where: { !$0.isFinite || $0 < 0 }) {
            throw PlanningError("beamlet weight \(j) of the batch is \(weights[j]); weights must be finite and non-negative")
        }
        var scratch = PartialDoseScratch(voxelCount: voxelCount)
        var balance = EnergyBookkeeping()
        for (column, w) in zip(columns, weights) {
            balance.add(column.bookkeeping)
            for (n, row) in column.rowIndices.enumerated() {
                let i = Int(row)
                guard i >= 0, i < voxelCount else { throw PlanningError("beamlet \(column.beamletID) reaches voxel \(i) outside the grid") }
                scratch.add(i, weight: w, doseGy: column.doseGy[n], uncertaintyGy: column.uncertaintyGy[n])
            }
        }
        self = scratch.harvest(bookkeeping: balance)
    }
}

/// Grid-sized accumulators of a ``PartialDose``, all zero between uses: the weighted dose and variance per voxel and a
/// bitmap of the voxels reached (scanned by words, in ascending order). A worker keeps one for its forward batches
/// instead of allocating and zeroing three grid-sized arrays for every batch.
public struct PartialDoseScratch: Sendable {
    var dose: [Double]
    var variance: [Double]
    var reached: [UInt64]

    /// Empty; sized by its first use.
    public init() { self.init(voxelCount: 0) }

    init(voxelCount: Int) {
        dose = [Double](repeating: 0, count: voxelCount)
        variance = [Double](repeating: 0, count: voxelCount)
        reached = [UInt64](repeating: 0, count: (voxelCount + 63) / 64)
    }

    /// Whether every accumulator is zero (tests).
    public var isClear: Bool { dose.allSatisfy { $0 == 0 } && variance.allSatisfy { $0 == 0 } && reached.allSatisfy { $0 == 0 } }

    /// Adds voxel `i`'s entry of a beamlet at weight `w`: dose w·d, variance (w·σ)².
    @inline(__always) mutating func add(_ i: Int, weight w: Double, doseGy: Float, uncertaintyGy: Float) {
        dose[i] += w * Double(doseGy)
        let s = w * Double(uncertaintyGy)
        variance[i] += s * s
        reached[i &>> 6] |= 1 &<< UInt64(i & 63)
    }

    /// Sets voxel `i` (reached once) to a dose and variance summed elsewhere.
    @inline(__always) mutating func set(_ i: Int, doseGy: Double, varianceGy2: Double) {
        dose[i] = doseGy
        variance[i] = varianceGy2
        reached[i &>> 6] |= 1 &<< UInt64(i & 63)
    }

    /// The sums of the reached voxels (ascending) with `bookkeeping`; every accumulator is zero again afterwards.
    mutating func harvest(bookkeeping: EnergyBookkeeping) -> PartialDose {
        var rows: [Int32] = [], doseGy: [Double] = [], varianceGy2: [Double] = []
        for word in reached.indices where reached[word] != 0 {
            var bits = reached[word]
            reached[word] = 0
            while bits != 0 {
                let i = word &* 64 &+ bits.trailingZeroBitCount
                bits &= bits &- 1
                rows.append(Int32(i))
                doseGy.append(dose[i])
                varianceGy2.append(variance[i])
                dose[i] = 0
                variance[i] = 0
            }
        }
        return PartialDose(rows: rows, doseGy: doseGy, varianceGy2: varianceGy2, bookkeeping: bookkeeping)
    }
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
        guard calculator.geometry == geometry, calculator.settings == statistics.transport, calculator.patient.grid == patient.grid else {
            throw PlanningError("a calculator made for another geometry, grid or transport settings")
        }
        if let j = weights.firstIndex(where: { !$0.isFinite || $0 < 0 }) {
            throw PlanningError("beamlet weight \(j) of the batch is \(weights[j]); weights must be finite and non-negative")
        }
        let voxelCount = patient.grid.voxelCount
        if scratch.dose.count != voxelCount { scratch = PartialDoseScratch(voxelCount: voxelCount) }
        let beamlets = zip(beamletIDs, weights).map { (id: $0, histories: histories(of: $0), weight: $1) }
        if let idle = beamlets.first(where: { $0.histories == 0 && $0.weight != 0 }) {
            throw PlanningError("beamlet \(idle.id) has weight \(idle.weight) but no histories")
        }
        // forwardDose checks every beamlet before it simulates, so it throws only while the scratch is still untouched.
        let balance = try calculator.forwardDose(beamlets, seed: statistics.seed, batches: statistics.uncertaintyBatches) { voxel, dose, variance in
            scratch.set(voxel, doseGy: dose, varianceGy2: variance)
        }
        return scratch.harvest(bookkeeping: balance)
    }
}

extension BeamletBatch {
    /// Seed offset of the pilot run of `history_allocation: target_fraction` (its histories are independent of the matrix's).
    public static let pilotSeedOffset: UInt64 = 0x70_696C_6F74

    /// Each beamlet's dose fraction in the target, Σ_{v∈T} d_v / Σ_v d_v, from a run of its ``histories(of:)`` histories
    /// in `statistics.uncertaintyBatches` parts with `statistics.seed` (0 when it deposits nothing); `targetVoxels` are
    /// dose-grid voxel indices. A pure function of the batch and the target, like a column.
    public func targetFractions(targetVoxels: [Int32], using calculator: inout BeamletDoseCalculator) throws -> [Double] {
        guard calculator.geometry == geometry, calculator.settings == statistics.transport, calculator.patient.grid == patient.grid else {
            throw PlanningError("a calculator made for another geometry, grid or transport settings")
        }
        let voxelCount = patient.grid.voxelCount
        var inTarget = [UInt64](repeating: 0, count: (voxelCount + 63) / 64)
        for v in targetVoxels {
            guard v >= 0, Int(v) < voxelCount else { throw PlanningError("target voxel \(v) outside the \(voxelCount)-voxel dose grid") }
            inTarget[Int(v) &>> 6] |= 1 &<< UInt64(v & 63)
        }
        return try beamletIDs.map { id in
            var inside = 0.0, total = 0.0
            _ = try calculator.forwardDose([(id: id, histories: histories(of: id), weight: 1)], seed: statistics.seed,
                                           batches: statistics.uncertaintyBatches) { voxel, dose, _ in
                total += dose
                if inTarget[voxel &>> 6] & (1 &<< UInt64(voxel & 63)) != 0 { inside += dose }
            }
            return total > 0 ? inside / total : 0
        }
    }
}

