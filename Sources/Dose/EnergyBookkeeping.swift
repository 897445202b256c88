/// Energy balance of a simulation: what the source emitted, what the dose grid absorbed, what left it, and what
/// Russian roulette took away from killed photons and gave to survivors (statistical weight × energy).
public struct EnergyBookkeeping: Sendable, Hashable, Codable {
    /// Sum of the primary photon energies (MeV).
    public var emittedMeV: Double = 0
    /// Energy deposited in the dose grid (MeV, weighted).
    public var depositedMeV: Double = 0
    /// Energy carried out of the dose grid by photons and charged particles (MeV, weighted).
    public var escapedMeV: Double = 0
    /// Weight × energy of the photons that roulette killed (MeV).
    public var rouletteRemovedMeV: Double = 0
    /// Weight × energy that roulette added to its survivors (weight w → w/p adds (w/p − w)·E) (MeV).
    public var rouletteAddedMeV: Double = 0
    /// Primary photons that crossed the grid without interacting (or missed it).
    public var unscatteredPrimaries: Int = 0
    /// Number of primary photons simulated.
    public var histories: Int = 0

    /// An empty balance.
    public init() {}

    /// Relative imbalance |emitted − deposited − escaped − removed + added| / emitted (0 when nothing was emitted).
    /// Exact up to rounding with or without roulette; roulette's removed and added energies agree only on average.
    public var relativeImbalance: Double {
        emittedMeV > 0 ? abs(emittedMeV - depositedMeV - escapedMeV - rouletteRemovedMeV + rouletteAddedMeV) / emittedMeV : 0
    }

    /// Adds the tallies of `other` (e.g. another beamlet's).
    public mutating func add(_ other: EnergyBookkeeping) {
        emittedMeV += other.emittedMeV
        depositedMeV += other.depositedMeV
        escapedMeV += other.escapedMeV
        rouletteRemovedMeV += other.rouletteRemovedMeV
        rouletteAddedMeV += other.rouletteAddedMeV
        unscatteredPrimaries += other.unscatteredPrimaries
        histories += other.histories
    }
}
