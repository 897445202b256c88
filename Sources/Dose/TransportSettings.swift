/// Cut-offs, step controls and variance reduction of the 'lite' transport (see the module README for the physics).
public struct TransportSettings: Sendable, Hashable, Codable {
    /// Photons below this energy deposit it where they are (MeV).
    public var photonCutoffMeV: Double
    /// Each charged-particle step uses this fraction of the residual CSDA range.
    public var electronStepFraction: Double
    /// Charged-particle steps are at least this long (g/cm², water-equivalent); shorter residual
    /// ranges are covered in one final straight step.
    public var electronMinimumStepGPerCM2: Double
    /// A charged particle whose whole range is shorter than this fraction of the smallest voxel
    /// edge deposits its energy in the voxel where it starts.
    public var localDepositionFraction: Double
    /// Russian roulette of scattered photons: a photon whose energy after a Compton scatter is below this (MeV)
    /// plays roulette once — it survives with probability ``rouletteSurvival`` and its weight is divided by it, or
    /// its history ends (unbiased). 0 (the default) turns roulette off.
    public var rouletteBelowMeV: Double
    /// Survival probability p of the roulette, in (0, 1]; 1 (the default) turns roulette off.
    public var rouletteSurvival: Double

    /// Largest accepted ``rouletteBelowMeV`` (MeV): above the 6 MV spectrum's end every scattered photon plays.
    public static let maximumRouletteBelowMeV = 10.0

    /// Defaults: 10 keV photon cut-off, steps of half the residual range but ≥ 0.05 g/cm²,
    /// local deposition below a quarter voxel, no roulette.
    public init(photonCutoffMeV: Double = 0.01, electronStepFraction: Double = 0.5,
                electronMinimumStepGPerCM2: Double = 0.05, localDepositionFraction: Double = 0.25,
                rouletteBelowMeV: Double = 0, rouletteSurvival: Double = 1) {
        self.photonCutoffMeV = photonCutoffMeV
        self.electronStepFraction = electronStepFraction
        self.electronMinimumStepGPerCM2 = electronMinimumStepGPerCM2
        self.localDepositionFraction = localDepositionFraction
        self.rouletteBelowMeV = rouletteBelowMeV
        self.rouletteSurvival = rouletteSurvival
    }

    /// Whether scattered photons play roulette (a positive energy bound and a survival probability below 1).
    public var rouletteEnabled: Bool { rouletteBelowMeV > 0 && rouletteSurvival < 1 }

    func validate() throws {
        guard photonCutoffMeV > 0, photonCutoffMeV < 1, electronStepFraction > 0, electronStepFraction <= 1,
              electronMinimumStepGPerCM2 > 0, localDepositionFraction >= 0 else {
            throw DoseError.invalidParameter("transport settings out of range: \(self)")
        }
        guard rouletteBelowMeV >= 0, rouletteBelowMeV <= Self.maximumRouletteBelowMeV else {
            throw DoseError.invalidParameter("roulette energy bound must be within 0…\(Self.maximumRouletteBelowMeV) MeV, got \(rouletteBelowMeV)")
        }
        guard rouletteSurvival > 0, rouletteSurvival <= 1 else {
            throw DoseError.invalidParameter("roulette survival probability must be within (0, 1], got \(rouletteSurvival)")
        }
    }
}
