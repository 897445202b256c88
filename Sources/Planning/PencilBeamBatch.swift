import Dose

/// One pencil-beam task of the influence stage: the patient on the dose grid, the beam geometry, the kernel
/// and a contiguous range of beamlet ids. Deterministic: the columns depend on the inputs alone.
public struct PencilBeamBatch: Sendable {
    /// Density and material on the dose grid.
    public let patient: PatientModel
    /// All beams and beamlets of the job.
    public let geometry: BeamGeometry
    /// The water kernel.
    public let kernel: PencilBeamKernel
    /// Beamlet ids to compute.
    public let beamletIDs: Range<Int>
    /// Entries below this fraction of a column's maximum are dropped.
    public let thresholdRelative: Double

    /// A batch; throws ``PlanningError`` when the ids are not beamlets of `geometry`.
    public init(patient: PatientModel, geometry: BeamGeometry, kernel: PencilBeamKernel, beamletIDs: Range<Int>,
                thresholdRelative: Double) throws {
        try BeamletBatches.check(beamletIDs, in: geometry)
        self.patient = patient
        self.geometry = geometry
        self.kernel = kernel
        self.beamletIDs = beamletIDs
        self.thresholdRelative = thresholdRelative
    }

    /// The batches of a resolved setup with `kernel`, cut as the Monte Carlo ones (``BeamletBatches``).
    public static func batches(of setup: DoseSetup, kernel: PencilBeamKernel) throws -> [PencilBeamBatch] {
        try BeamletBatches.ranges(beamletCount: setup.geometry.beamlets.count).map {
            try PencilBeamBatch(patient: setup.patient, geometry: setup.geometry, kernel: kernel, beamletIDs: $0,
                                thresholdRelative: setup.statistics.thresholdRelative)
        }
    }

    /// One column per beamlet id, in id order.
    public func columns() throws -> [BeamletColumn] {
        try PencilBeamCalculator(patient: patient, geometry: geometry, kernel: kernel)
            .columns(beamletIDs: Array(beamletIDs), thresholdRelative: thresholdRelative)
    }
}
