import Dose

/// Monte Carlo settings shared by every beamlet of a job: each beamlet draws from stream `id` of `seed`.
public struct BeamletStatistics: Sendable, Hashable {
    /// The job seed.
    public let seed: UInt64
    /// Primary photons per beamlet.
    public let historiesPerBeamlet: Int
    /// Batches per beamlet for the standard error (≥ 2).
    public let uncertaintyBatches: Int
    /// Entries below this fraction of a column's maximum are dropped.
    public let thresholdRelative: Double
    /// Transport settings of every beamlet (cut-offs, Russian roulette).
    public let transport: TransportSettings

    /// Settings; `BeamletDoseCalculator` checks the ranges when it runs.
    public init(seed: UInt64, historiesPerBeamlet: Int, uncertaintyBatches: Int, thresholdRelative: Double,
                transport: TransportSettings = TransportSettings()) {
        self.seed = seed
        self.historiesPerBeamlet = historiesPerBeamlet
        self.uncertaintyBatches = uncertaintyBatches
        self.thresholdRelative = thresholdRelative
        self.transport = transport
    }
}
