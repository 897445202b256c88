/// Cut-offs and step controls of the 'lite' transport (see the module README for the physics).
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

    /// Defaults: 10 keV photon cut-off, steps of half the residual range but ≥ 0.05 g/cm²,
    /// local deposition below a quarter voxel.
    public init(photonCutoffMeV: Double = 0.01, electronStepFraction: Double = 0.5,
                electronMinimumStepGPerCM2: Double = 0.05, localDepositionFraction: Double = 0.25) {
        self.photonCutoffMeV = photonCutoffMeV
        self.electronStepFraction = electronStepFraction
        self.electronMinimumStepGPerCM2 = electronMinimumStepGPerCM2
        self.localDepositionFraction = localDepositionFraction
    }

    func validate() throws {
        guard photonCutoffMeV > 0, photonCutoffMeV < 1, electronStepFraction > 0, electronStepFraction <= 1,
              electronMinimumStepGPerCM2 > 0, localDepositionFraction >= 0 else {
            throw DoseError.invalidParameter("transport settings out of range: \(self)")
        }
    }
}
