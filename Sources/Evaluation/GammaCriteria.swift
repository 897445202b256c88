/// Acceptance criteria of a gamma comparison (AAPM TG-218 defaults: global 3 %/2 mm, 10 % low-dose threshold).
public struct GammaCriteria: Sendable, Equatable {
    /// Dose-difference criterion in % (of the normalisation dose when global, of the local reference dose otherwise).
    public var doseDifferencePct: Double
    /// Distance-to-agreement criterion in mm.
    public var distanceToAgreementMM: Double
    /// Reference voxels below this % of the normalisation dose are not evaluated.
    public var lowDoseThresholdPct: Double
    /// Global (true) or local (false) dose difference.
    public var isGlobal: Bool
    /// Dose that percentages refer to; nil = maximum of the reference dose.
    public var normalisationDoseGy: Double?
    /// Search radius around each reference voxel in mm; nil = 3 × DTA. Gamma values below
    /// radius / DTA are exact up to the search step; larger values are upper bounds of the true value.
    public var searchRadiusMM: Double?
    /// Spacing of the search points in mm; nil = DTA / 5.
    public var searchStepMM: Double?

    /// Creates criteria; the defaults are TG-218's global 3 %/2 mm with a 10 % threshold.
    public init(doseDifferencePct: Double = 3, distanceToAgreementMM: Double = 2, lowDoseThresholdPct: Double = 10,
                isGlobal: Bool = true, normalisationDoseGy: Double? = nil, searchRadiusMM: Double? = nil, searchStepMM: Double? = nil) {
        self.doseDifferencePct = doseDifferencePct
        self.distanceToAgreementMM = distanceToAgreementMM
        self.lowDoseThresholdPct = lowDoseThresholdPct
        self.isGlobal = isGlobal
        self.normalisationDoseGy = normalisationDoseGy
        self.searchRadiusMM = searchRadiusMM
        self.searchStepMM = searchStepMM
    }
}
