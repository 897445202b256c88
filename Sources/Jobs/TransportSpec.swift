/// Variance reduction of the Monte Carlo transport (`transport:` of a `dose` or `plan` job): Russian roulette of
/// scattered photons. Only the numbers; the Dose module owns the physics (its `TransportSettings`).
public struct TransportSpec: Hashable, Sendable {
    /// Photons whose energy after a Compton scatter is below this (MeV) play roulette once; 0 = roulette off.
    public var rouletteBelowMeV: Double
    /// Survival probability of the roulette (survivors' weight × 1/p); 1 = roulette off.
    public var rouletteSurvival: Double

    /// Range of `roulette_below_mev` (MeV): above 0, at most 10 (beyond a 6 MV spectrum every scattered photon plays).
    static let rouletteBelowMeV = Interval(0, 10, lowerOpen: true)
    /// Range of `roulette_survival`: a probability strictly between 0 and 1.
    static let rouletteSurvival = Interval(0, 1, lowerOpen: true, upperOpen: true)

    /// Creates transport settings; the defaults (0, 1) turn roulette off. Values are taken as given (the parser checks ranges).
    public init(rouletteBelowMeV: Double = 0, rouletteSurvival: Double = 1) {
        self.rouletteBelowMeV = rouletteBelowMeV
        self.rouletteSurvival = rouletteSurvival
    }

    /// Whether scattered photons play roulette.
    public var rouletteEnabled: Bool { rouletteBelowMeV > 0 && rouletteSurvival < 1 }
}
