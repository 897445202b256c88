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

    /// A batch; throws ``PlanningError`` when the ids are not beamlets of `geometry`.
    public init(patient: PatientModel, geometry: BeamGeometry, beamletIDs: Range<Int>, statistics: BeamletStatistics) throws {
        try BeamletBatches.check(beamletIDs, in: geometry)
        self.patient = patient
        self.geometry = geometry
        self.beamletIDs = beamletIDs
        self.statistics = statistics
    }

    /// The batches of a resolved setup (see ``BeamletBatches``).
    public static func batches(of setup: DoseSetup) throws -> [BeamletBatch] {
        try BeamletBatches.ranges(beamletCount: setup.geometry.beamlets.count).map {
            try BeamletBatch(patient: setup.patient, geometry: setup.geometry, beamletIDs: $0, statistics: setup.statistics)
        }
    }

    /// Simulates the batch: one column per beamlet id, in id order.
    public func columns() throws -> [BeamletColumn] {
        var calculator = try BeamletDoseCalculator(patient: patient, geometry: geometry)
        return try beamletIDs.map {
            try calculator.column(beamletID: $0, seed: statistics.seed, histories: statistics.historiesPerBeamlet,
                                  batches: statistics.uncertaintyBatches, thresholdRelative: statistics.thresholdRelative)
        }
    }
}
