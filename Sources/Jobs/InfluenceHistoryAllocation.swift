/// How a Monte Carlo influence matrix spreads `histories_per_beamlet × beamlets` over its beamlets.
public enum InfluenceHistoryAllocation: String, CaseIterable, Hashable, Sendable, Codable {
    /// Every beamlet gets `histories_per_beamlet`.
    case uniform
    /// A pilot run (`pilot_histories_per_beamlet` each) measures every beamlet's dose fraction in the target; the total
    /// is then spread in proportion to it, with a floor of 10 % of the mean.
    case targetFraction = "target_fraction"
}
