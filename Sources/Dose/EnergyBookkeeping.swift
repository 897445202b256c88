/// Energy balance of a simulation: what the source emitted, what the dose grid absorbed, what left it.
public struct EnergyBookkeeping: Sendable, Hashable, Codable {
    /// Sum of the primary photon energies (MeV).
    public var emittedMeV: Double = 0
    /// Energy deposited in the dose grid (MeV).
    public var depositedMeV: Double = 0
    /// Energy carried out of the dose grid by photons and charged particles (MeV).
    public var escapedMeV: Double = 0
    /// Primary photons that crossed the grid without interacting (or missed it).
    public var unscatteredPrimaries: Int = 0
    /// Number of primary photons simulated.
    public var histories: Int = 0

    /// An empty balance.
    public init() {}

    /// Relative imbalance |emitted − deposited − escaped| / emitted (0 when nothing was emitted).
    public var relativeImbalance: Double {
        emittedMeV > 0 ? abs(emittedMeV - depositedMeV - escapedMeV) / emittedMeV : 0
    }
}
