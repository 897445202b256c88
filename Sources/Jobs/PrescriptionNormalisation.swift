/// How the optimised plan is scaled before goals are evaluated.
public enum PrescriptionNormalisation: String, CaseIterable, Hashable, Sendable, Codable {
    /// Scale so that D95 of the prescription target equals the prescribed dose.
    case d95
    /// Scale so that the mean dose of the prescription target equals the prescribed dose.
    case dmean
    /// Report the optimised dose as is.
    case none
}
