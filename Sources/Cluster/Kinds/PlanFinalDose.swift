import Core
import Dose
import Jobs
import Planning

/// The final-dose stage of a plan (and its correction-dose stage): the beamlets with non-zero weight recomputed
/// with Monte Carlo (with seed + `seedOffset`: 1 for the final dose, 1 + k for the correction dose of round k, so each is
/// statistically independent of the other and of the matrix it was optimised on), as beamlet-batch tasks of the
/// influence stage's form. Uniform allocation: every beamlet gets the same histories, and batches are contiguous id
/// runs cut to the influence stage's batch size for the number of beamlets recomputed. Weighted allocation: the same
/// total spread by ``BeamletHistoryAllocation`` and batches cut by histories (``BeamletBatches/ranges(ids:histories:)``).
/// Either way the task list depends on the weights alone, and each beamlet's column on (seed, id, histories) alone.
struct PlanFinalDose {
    /// The batches, one task each.
    let batches: [BeamletBatch]
    /// Number of beamlets of the plan (the final matrix has empty columns for the zero-weight ones).
    let beamletCount: Int
    /// The patient and geometry fields of the set-up (the influence stage's, so workers still hold them).
    let shared: SharedBeamletFields

    /// The seed offset of the final dose.
    static let finalSeedOffset: UInt64 = 1
    /// The seed offset of the correction dose of correction round `round` (1-based): 1 + round, so round 1 keeps
    /// offset 2 and no round shares the final dose's offset.
    static func correctionSeedOffset(round: Int) -> UInt64 { 1 &+ UInt64(round) }

    init(setup: DoseSetup, shared: SharedBeamletFields, weights: [Double], historiesPerBeamlet: Int, seedOffset: UInt64,
         allocation: HistoryAllocation = .uniform, thresholdRelative: Double? = nil) throws {
        let s = setup.statistics
        let statistics = BeamletStatistics(seed: s.seed &+ seedOffset, historiesPerBeamlet: historiesPerBeamlet,
                                           uncertaintyBatches: s.uncertaintyBatches, thresholdRelative: thresholdRelative ?? s.thresholdRelative,
                                           transport: s.transport)
        let active = weights.indices.filter { weights[$0] > 0 }
        beamletCount = weights.count
        self.shared = shared
        if allocation == .weighted {
            let histories = try BeamletHistoryAllocation.weighted(weights: active.map { weights[$0] }, meanHistories: historiesPerBeamlet,
                                                                  minimumHistories: s.uncertaintyBatches)
            let byID = Dictionary(uniqueKeysWithValues: zip(active, histories))
            batches = try BeamletBatches.ranges(ids: active, histories: histories).map { ids in
                try BeamletBatch(patient: setup.patient, geometry: setup.geometry, beamletIDs: ids, statistics: statistics,
                                 beamletHistories: ids.map { byID[$0] ?? 0 })
            }
            return
        }
        let size = BeamletBatches.batchSize(beamletCount: active.count)
        var ranges: [Range<Int>] = []
        for id in active {
            if let last = ranges.last, last.upperBound == id, last.count < size {
                ranges[ranges.count - 1] = last.lowerBound..<(id + 1)
            } else {
                ranges.append(id..<(id + 1))
            }
        }
        batches = try ranges.map { try BeamletBatch(patient: setup.patient, geometry: setup.geometry, beamletIDs: $0, statistics: statistics) }
    }

    /// The phase's task inputs, in batch order.
    var tasks: [TaskPayload] { batches.map { DoseMessages.encode($0, shared: shared) } }

    /// The recomputed matrix (all beamlets; zero-weight ones empty) and its energy balance.
    func matrix(from results: [TaskPayload], grid: Grid) throws -> (matrix: Dose.InfluenceMatrix, bookkeeping: EnergyBookkeeping) {
        guard results.count == batches.count else { throw PlanKindError("\(results.count) final-dose results for \(batches.count) batches") }
        var columns: [BeamletColumn] = []
        for (batch, result) in zip(batches, results) {
            let received = try DoseMessages.decodeColumns(result)
            guard received.map(\.beamletID) == Array(batch.beamletIDs) else {
                throw PlanKindError("the final-dose result of beamlets \(batch.beamletIDs) holds other beamlets")
            }
            columns += received
        }
        return (try Dose.InfluenceMatrix(grid: grid, columnCount: beamletCount, columns: columns), InfluenceAssembly.bookkeeping(of: columns))
    }
}
