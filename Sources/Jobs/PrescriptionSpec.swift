/// The prescribed dose to a target and how the final plan is normalised to it.
public struct PrescriptionSpec: Hashable, Sendable {
    /// Structure the prescription refers to (defaults to the job's `target`).
    public var target: String
    /// Total prescribed dose, 0 < dose ≤ 100 Gy.
    public var doseGy: Double
    /// Number of fractions, 1…100 (default 1).
    public var fractions: Int
    /// Normalisation applied after optimisation (default `none`).
    public var normalise: PrescriptionNormalisation

    /// Creates a prescription; values are taken as given (ranges are checked by the parser).
    public init(target: String, doseGy: Double, fractions: Int = 1, normalise: PrescriptionNormalisation = .none) {
        self.target = target
        self.doseGy = doseGy
        self.fractions = fractions
        self.normalise = normalise
    }

    /// Dose per fraction in Gy.
    public var dosePerFractionGy: Double { doseGy / Double(fractions) }
}
