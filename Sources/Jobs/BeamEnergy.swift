/// Nominal photon beam energy; only the 6 MV beam model exists.
public enum BeamEnergy: String, CaseIterable, Hashable, Sendable, Codable {
    /// 6 MV flattened photon beam.
    case mv6 = "6MV"
}
