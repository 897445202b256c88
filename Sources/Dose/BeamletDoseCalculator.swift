import Core

/// Monte Carlo-lite dose of single beamlets: the per-beamlet API that a scheduler shards across ranks.
///
/// A column is a pure function of (patient model, beam geometry, spectrum, settings, calibration,
/// beamlet id, seed, histories, batches, threshold): the beamlet draws from
/// `RandomStream(seed: seed, stream: beamletID)`, so any rank computing it in any order gets the same
/// bits. The calculator keeps scratch tallies between calls, so use one per thread.
public struct BeamletDoseCalculator: Sendable {
    /// The patient on the dose grid.
    public let patient: PatientModel
    /// Beams and beamlets.
    public let geometry: BeamGeometry
    /// Primary photon spectrum.
    public let spectrum: PhotonSpectrum
    /// Transport cut-offs and steps.
    public let settings: TransportSettings
    /// Absolute dose scale.
    public let calibration: DoseCalibration
    var transport: ParticleTransport

    /// A calculator for `geometry` on `patient`.
    public init(patient: PatientModel, geometry: BeamGeometry, spectrum: PhotonSpectrum = .mohan6MV,
                settings: TransportSettings = TransportSettings(), calibration: DoseCalibration = .reference) throws {
        try settings.validate()
        guard patient.grid.voxelCount <= DoseScorer.maximumVoxelCount else {
            throw DoseError.invalidParameter("dose grid of \(patient.grid.voxelCount) voxels exceeds the scorer's \(DoseScorer.maximumVoxelCount)")
        }
        self.patient = patient
        self.geometry = geometry
        self.spectrum = spectrum
        self.settings = settings
        self.calibration = calibration
        self.transport = ParticleTransport(patient: patient, settings: settings)
    }

    /// The dose column of beamlet `beamletID`.
    /// - Parameters:
    ///   - seed: job seed; the beamlet uses stream `beamletID` of it.
    ///   - histories: primary photons (≥ `batches`).
    ///   - batches: independent batches for the standard error (≥ 2); histories are split evenly.
    ///   - thresholdRelative: entries below this fraction of the column maximum are dropped (0…1).
    public mutating func column(beamletID: Int, seed: UInt64, histories: Int, batches: Int = 10,
                                thresholdRelative: Double = 0.001) throws -> BeamletColumn {
        try check(beamletID: beamletID, histories: histories, batches: batches)
        guard thresholdRelative >= 0, thresholdRelative <= 1 else {
            throw DoseError.invalidParameter("relative threshold must be within 0…1, got \(thresholdRelative)")
        }
        let gyPerGram = simulate(beamletID: beamletID, seed: seed, histories: histories, batches: batches)
        let total = Double(histories), nb = Double(batches)
        let voxelCC = patient.grid.voxelVolumeCC
        var maximum = 0.0
        transport.scorer.forEachTouchedVoxel { _, sum, _, densityGPerCC in
            maximum = max(maximum, sum / total * (gyPerGram / (densityGPerCC * voxelCC)))
        }
        let cut = maximum * thresholdRelative
        let entries = transport.scorer.drain { sum, sumSquares, densityGPerCC in
            let gy = gyPerGram / (densityGPerCC * voxelCC)
            let mean = sum / total
            let dose = mean * gy
            guard dose >= cut && dose > 0 else { return nil }
            let variance = max(0, (sumSquares - total * mean * mean) / (total * (nb - 1)))
            return (Float(dose), Float(variance.squareRoot() * gy))
        }
        return BeamletColumn(beamletID: beamletID, rowIndices: entries.map { Int32(truncatingIfNeeded: $0.x >> 32) },
                             doseGy: entries.map { Float(bitPattern: UInt32(truncatingIfNeeded: $0.x)) },
                             uncertaintyGy: entries.map { Float(bitPattern: UInt32(truncatingIfNeeded: $0.y)) },
                             bookkeeping: transport.tally)
    }

    /// The dose of beamlet `beamletID` (the entries of ``column(beamletID:seed:histories:batches:thresholdRelative:)``
    /// with threshold 0, the same Float values) handed to `body` as (voxel, dose, standard error) in Gy per unit
    /// weight, in the order the voxels were first reached (not sorted): a forward dose sums them into a grid without
    /// building the column. Returns the beamlet's energy balance.
    public mutating func visitDose(beamletID: Int, seed: UInt64, histories: Int, batches: Int = 10,
                                   _ body: (_ voxel: Int, _ doseGy: Float, _ uncertaintyGy: Float) -> Void) throws -> EnergyBookkeeping {
        try check(beamletID: beamletID, histories: histories, batches: batches)
        let gyPerGram = simulate(beamletID: beamletID, seed: seed, histories: histories, batches: batches)
        let total = Double(histories), nb = Double(batches)
        let voxelCC = patient.grid.voxelVolumeCC
        transport.scorer.visitAndRelease { voxel, sum, sumSquares, densityGPerCC in
            let gy = gyPerGram / (densityGPerCC * voxelCC)
            let mean = sum / total
            let dose = mean * gy
            guard dose > 0 else { return }
            let variance = max(0, (sumSquares - total * mean * mean) / (total * (nb - 1)))
            body(voxel, Float(dose), Float(variance.squareRoot() * gy))
        }
        return transport.tally
    }

    /// Throws ``DoseError`` for an unknown beamlet, fewer than 2 batches or fewer histories than batches.
    private func check(beamletID: Int, histories: Int, batches: Int) throws {
        guard geometry.beamlets.indices.contains(beamletID) else {
            throw DoseError.invalidParameter("beamlet \(beamletID) not in 0..<\(geometry.beamlets.count)")
        }
        guard batches >= 2, histories >= batches else {
            throw DoseError.invalidParameter("need ≥ 2 batches and at least one history per batch, got \(histories) histories in \(batches) batches")
        }
    }

    /// Runs the histories of beamlet `beamletID` in `batches` batches on its own stream; the tallies stay in the scorer.
    /// Returns the dose factor in Gy per (MeV per history) per gram.
    private mutating func simulate(beamletID: Int, seed: UInt64, histories: Int, batches: Int) -> Double {
        let beamlet = geometry.beamlets[beamletID]
        let beam = geometry.beams[beamlet.beamIndex]
        let source = BeamletSource(beam: beam, beamlet: beamlet, focalSpotSigmaMM: geometry.focalSpotSigmaMM)
        transport.rng = RandomStream(seed: seed, stream: UInt64(beamletID))
        transport.tally = EnergyBookkeeping()
        for b in 0..<batches {
            let n = histories / batches + (b < histories % batches ? 1 : 0)
            transport.runBatch(histories: n, source: source, spectrum: spectrum)
            transport.scorer.endBatch(histories: n)
        }
        return calibration.gyPerMeVPerHistory(widthMM: beamlet.widthMM, massG: 1)
    }
}
