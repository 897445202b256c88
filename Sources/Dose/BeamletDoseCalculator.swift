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

    /// The forward dose Σ_j w_j d_j of `beamlets` (each with its histories and weight) and its batch variance, handed to
    /// `body` as (voxel, dose Gy, variance Gy²) for every voxel reached, in first-touch order (not sorted); returns
    /// the summed energy balance.
    ///
    /// Beamlet j draws from `RandomStream(seed, stream: id)` and runs its histories in `batches` parts (sizes differing
    /// by at most one), exactly as its column would, but all beamlets score into one tally, beamlet j's deposits times
    /// w_j·g_j/N_j (g_j: Gy per MeV per history per gram): batch b's tally S_b holds about 1/B of every beamlet, the dose is
    /// Σ_b S_b / mass and its variance B/(B−1)·(Σ_b S_b² − (Σ_b S_b)²/B) / mass² (the batch method over the sum; the
    /// ±1 history of uneven parts is neglected). Beamlets with 0 histories are skipped. Scoring once per voxel instead of
    /// once per beamlet and voxel is what makes this cheaper than summing columns.
    public mutating func forwardDose(_ beamlets: [(id: Int, histories: Int, weight: Double)], seed: UInt64, batches: Int,
                                     _ body: (_ voxel: Int, _ doseGy: Double, _ varianceGy2: Double) -> Void) throws -> EnergyBookkeeping {
        let simulated = beamlets.filter { $0.histories > 0 }
        for b in simulated {
            try check(beamletID: b.id, histories: b.histories, batches: batches)
            guard b.weight.isFinite, b.weight >= 0 else {
                throw DoseError.invalidParameter("beamlet \(b.id) has weight \(b.weight); weights must be finite and non-negative")
            }
        }
        let sources = simulated.map { b -> (BeamletSource, Double) in
            let beamlet = geometry.beamlets[b.id]
            return (BeamletSource(beam: geometry.beams[beamlet.beamIndex], beamlet: beamlet, focalSpotSigmaMM: geometry.focalSpotSigmaMM),
                    b.weight * calibration.gyPerMeVPerHistory(widthMM: beamlet.widthMM, massG: 1) / Double(b.histories))
        }
        var streams = simulated.map { RandomStream(seed: seed, stream: UInt64($0.id)) }
        transport.tally = EnergyBookkeeping()
        for part in 0..<batches {
            for (j, b) in simulated.enumerated() {
                transport.rng = streams[j]
                transport.tallyScale = sources[j].1
                transport.runBatch(histories: Self.part(part, of: b.histories, in: batches), source: sources[j].0, spectrum: spectrum)
                streams[j] = transport.rng
            }
            transport.scorer.endBatch(histories: 1)
        }
        transport.tallyScale = 1
        let nb = Double(batches), voxelCC = patient.grid.voxelVolumeCC
        transport.scorer.visitAndRelease { voxel, sum, sumSquares, densityGPerCC in
            let perGram = 1 / (densityGPerCC * voxelCC)
            let variance = max(0, (nb * sumSquares - sum * sum) / (nb - 1))
            body(voxel, sum * perGram, variance * perGram * perGram)
        }
        return transport.tally
    }

    /// Histories of part `b` when `histories` are cut into `batches` parts whose sizes differ by at most one.
    @inline(__always) static func part(_ b: Int, of histories: Int, in batches: Int) -> Int {
        histories / batches + (b < histories % batches ? 1 : 0)
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
        transport.tallyScale = 1
        for b in 0..<batches {
            let n = Self.part(b, of: histories, in: batches)
            transport.runBatch(histories: n, source: source, spectrum: spectrum)
            transport.scorer.endBatch(histories: n)
        }
        return calibration.gyPerMeVPerHistory(widthMM: beamlet.widthMM, massG: 1)
    }
}
