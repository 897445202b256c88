import Core
import Dose
import Jobs
import Planning

/// The final-dose stage of a plan (and its correction-dose stage): the dose of the weights, the beamlets with
/// non-zero weight recomputed with Monte Carlo (with seed + `seedOffset`: 1 for the final dose, 1 + k for the
/// correction dose of round k, so each is statistically independent of the other and of the matrix it was optimised
/// on), as forward batches: each worker sums its batch's beamlets at their weights with no column threshold
/// (``PartialDose``) and the coordinator adds the batches in batch order. Uniform allocation: every beamlet of non-zero
/// weight gets the same histories; weighted allocation: the same total spread by ``BeamletHistoryAllocation``. Either
/// way batches are id runs cut by histories (``BeamletBatches/ranges(histories:)``), spanning beamlets of weight 0
/// (not simulated), so a fluence with scattered zero weights still makes about 64 batches.
/// Either way the task list depends on the weights alone, and each beamlet's column on (seed, id, histories) alone.
struct PlanFinalDose {
    /// The batches, one task each.
    let batches: [BeamletBatch]
    /// The weights of the plan, one per beamlet.
    let weights: [Double]
    /// The patient and geometry fields of the set-up (the influence stage's, so workers still hold them).
    let shared: SharedBeamletFields

    /// The seed offset of the final dose.
    static let finalSeedOffset: UInt64 = 1
    /// The seed offset of the correction dose of correction round `round` (1-based): 1 + round, so round 1 keeps
    /// offset 2 and no round shares the final dose's offset.
    static func correctionSeedOffset(round: Int) -> UInt64 { 1 &+ UInt64(round) }

    init(setup: DoseSetup, shared: SharedBeamletFields, weights: [Double], historiesPerBeamlet: Int, seedOffset: UInt64,
         allocation: HistoryAllocation = .uniform) throws {
        let s = setup.statistics
        let statistics = BeamletStatistics(seed: s.seed &+ seedOffset, historiesPerBeamlet: historiesPerBeamlet,
                                           uncertaintyBatches: s.uncertaintyBatches, thresholdRelative: 0, transport: s.transport)
        let active = weights.indices.filter { weights[$0] > 0 }
        self.weights = weights
        self.shared = shared
        var histories = [Int](repeating: 0, count: weights.count)
        if allocation == .weighted {
            let counts = try BeamletHistoryAllocation.weighted(weights: active.map { weights[$0] }, meanHistories: historiesPerBeamlet,
                                                               minimumHistories: s.uncertaintyBatches)
            for (id, n) in zip(active, counts) { histories[id] = n }
        } else {
            for id in active { histories[id] = historiesPerBeamlet }
        }
        batches = try BeamletBatches.ranges(histories: histories).map { ids in
            try BeamletBatch(patient: setup.patient, geometry: setup.geometry, beamletIDs: ids, statistics: statistics,
                             beamletHistories: Array(histories[ids]))
        }
    }

    /// The phase's task inputs, in batch order.
    var tasks: [TaskPayload] {
        batches.map { DoseMessages.encodeForward($0, weights: Array(weights[$0.beamletIDs]), shared: shared) }
    }

    /// The dose of the weights with its uncertainty, and the summed energy balance, from the batch results in order.
    func dose(from results: [TaskPayload], grid: Grid) throws -> (dose: ForwardDose, bookkeeping: EnergyBookkeeping) {
        guard results.count == batches.count else { throw PlanKindError("\(results.count) final-dose results for \(batches.count) batches") }
        let partials = try results.map(DoseMessages.decodePartialDose)
        var balance = EnergyBookkeeping()
        for p in partials { balance.add(p.bookkeeping) }
        return (try ForwardDose(grid: grid, partials: partials), balance)
    }
}
