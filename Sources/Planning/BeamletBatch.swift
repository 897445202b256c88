import Dose

/// One task of the influence stage: everything a worker needs to compute a contiguous range of
/// beamlet columns (the patient on the dose grid, the full beam geometry for the beamlet ids, the range
/// and the statistics). A pure input: the columns depend on it alone.
public struct BeamletBatch: Sendable {
    /// Density and material on the dose grid.
    public let patient: PatientModel
    /// All beams and beamlets of the job (ids select the columns).
    public let geometry: BeamGeometry
    /// Beamlet ids to compute.
    public let beamletIDs: Range<Int>
    /// Seed, histories, batches and threshold.
    public let statistics: BeamletStatistics
    /// Histories of each beamlet of the range (in id order) when they differ; nil = `statistics.historiesPerBeamlet` each.
    /// 0: the beamlet is not simulated (a forward batch's beamlet of weight 0); its column is empty.
    public let beamletHistories: [Int]?

    /// A batch; throws ``PlanningError`` when the ids are not beamlets of `geometry` or `beamletHistories` does not
    /// hold one count ≥ 0 per id, with at least one positive.
    public init(patient: PatientModel, geometry: BeamGeometry, beamletIDs: Range<Int>, statistics: BeamletStatistics,
                beamletHistories: [Int]? = nil) throws {
        try BeamletBatches.check(beamletIDs, in: geometry)
        if let h = beamletHistories, h.count != beamletIDs.count || h.contains(where: { $0 < 0 }) || !h.contains(where: { $0 > 0 }) {
            throw PlanningError("\(h.count) history counts (smallest \(h.min() ?? 0), largest \(h.max() ?? 0)) for the \(beamletIDs.count) beamlets \(beamletIDs)")
        }
        self.patient = patient
        self.geometry = geometry
        self.beamletIDs = beamletIDs
        self.statistics = statistics
        self.beamletHistories = beamletHistories
    }

    /// Histories of beamlet `id` of the range.
    public func histories(of id: Int) -> Int {
        beamletHistories.map { $0[id - beamletIDs.lowerBound] } ?? statistics.historiesPerBeamlet
    }

    /// The batches of a resolved setup (see ``BeamletBatches``).
    public static func batches(of setup: DoseSetup) throws -> [BeamletBatch] {
        try BeamletBatches.ranges(beamletCount: setup.geometry.beamlets.count).map {
            try BeamletBatch(patient: setup.patient, geometry: setup.geometry, beamletIDs: $0, statistics: setup.statistics)
        }
    }

    /// Simulates the batch: one column per beamlet id, in id order, thresholded at `thresholdRelative`
    /// (default: the statistics' threshold).
    public func columns(thresholdRelative: Double? = nil) throws -> [BeamletColumn] {
        var calculator = try makeCalculator()
        return try columns(thresholdRelative: thresholdRelative, using: &calculator)
    }

    /// A calculator for this batch's patient, geometry and transport settings (reusable by ``columns(thresholdRelative:using:)``
    /// for every batch of the same patient, geometry and settings).
    public func makeCalculator() throws -> BeamletDoseCalculator {
        try BeamletDoseCalculator(patient: patient, geometry: geometry, settings: statistics.transport)
    }

    /// ``columns(thresholdRelative:)`` with a calculator made by ``makeCalculator()`` of a batch with the same patient
    /// (the caller's guarantee: the columns would otherwise be those of the calculator's patient), geometry and transport
    /// settings (checked; throws ``PlanningError`` otherwise). A column is a pure function of its beamlet, seed and
    /// histories — the calculator carries only scratch tallies from one beamlet to the next — so the columns are the
    /// same bits as with a fresh calculator.
    public func columns(thresholdRelative: Double? = nil, using calculator: inout BeamletDoseCalculator) throws -> [BeamletColumn] {
        guard calculator.geometry == geometry, calculator.settings == statistics.transport, calculator.patient.grid == patient.grid else {
            throw PlanningError("a calculator made for another geometry, grid or transport settings")
        }
        return try beamletIDs.map { id in
            let n = histories(of: id)
            guard n > 0 else {
                return BeamletColumn(beamletID: id, rowIndices: [], doseGy: [], uncertaintyGy: [], bookkeeping: EnergyBookkeeping())
            }
            return try calculator.column(beamletID: id, seed: statistics.seed, histories: n, batches: statistics.uncertaintyBatches,
                                         thresholdRelative: thresholdRelative ?? statistics.thresholdRelative)
        }
    }
}
