/// Kind of fluence-optimisation objective, with the dose d_i of the n voxels of its structure.
///
/// - `squaredDeviation`: (1/n) Σ (d_i − D)²
/// - `squaredUnderdose`: (1/n) Σ max(0, D − d_i)²
/// - `squaredOverdose`: (1/n) Σ max(0, d_i − D)²
/// - `minDVH`: penalises voxels below D while fewer than V % of the volume receive ≥ D
/// - `maxDVH`: penalises voxels above D while more than V % of the volume receive ≥ D
/// - `meanDose`: (mean(d) − D)², D often 0 for an organ at risk
/// - `eud`: (EUD_a − D)² with EUD_a = ((1/n) Σ d_i^a)^(1/a) (a < 0 for targets, a ≥ 1 for organs)
public enum ObjectiveType: String, CaseIterable, Hashable, Sendable, Codable {
    case squaredDeviation = "squared_deviation"
    case squaredUnderdose = "squared_underdose"
    case squaredOverdose = "squared_overdose"
    case minDVH = "min_dvh"
    case maxDVH = "max_dvh"
    case meanDose = "mean_dose"
    case eud

    /// True for `min_dvh` and `max_dvh`, the types that need `volume_pct`.
    public var needsVolume: Bool { self == .minDVH || self == .maxDVH }
    /// True for `eud`, the only type that needs `eud_a`.
    public var needsEUDExponent: Bool { self == .eud }
}
