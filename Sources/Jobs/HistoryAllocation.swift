/// How a plan's Monte Carlo recomputations of its fluence (correction and final dose) spread their histories
/// over the beamlets of non-zero weight.
public enum HistoryAllocation: String, CaseIterable, Hashable, Sendable, Codable {
    /// Every beamlet gets `final_histories_per_beamlet` (or `correction_histories_per_beamlet`) histories.
    case uniform
    /// The same total spread in proportion to the beamlet weights, with a floor of 10 % of the mean.
    case weighted
}
