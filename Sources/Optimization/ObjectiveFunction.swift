/// A fluence-optimisation objective on the dose `d_i` of the n voxels of one structure (matRad and
/// pyRadPlan conventions; the term's penalty multiplies each value):
///
/// - `squaredDeviation`: (1/n) Σ (d_i − D)²
/// - `squaredUnderdose`: (1/n) Σ max(0, D − d_i)²
/// - `squaredOverdose`: (1/n) Σ max(0, d_i − D)²
/// - `minDVH`: (1/n) Σ (d_i − D)² over voxels with D_V ≤ d_i ≤ D (D_V is the dose at volume V)
/// - `maxDVH`: (1/n) Σ (d_i − D)² over voxels with D ≤ d_i ≤ D_V
/// - `meanDose`: (mean(d) − D)²
/// - `eud`: (EUD_a − D)² with EUD_a = ((1/n) Σ d_i^a)^(1/a); for a < 1 doses are floored at
///   ``ObjectiveFunction/eudDoseFloorGy`` so that d^(a−1) stays finite.
///
/// The dose at volume D_V is the dose of the voxel of rank k = max(1, ⌈V n / 100⌉) when the
/// structure's doses are sorted in decreasing order (no interpolation), as in matRad.
public enum ObjectiveFunction: Hashable, Sendable {
    case squaredDeviation(doseGy: Double)
    case squaredUnderdose(doseGy: Double)
    case squaredOverdose(doseGy: Double)
    case minDVH(doseGy: Double, volumePct: Double)
    case maxDVH(doseGy: Double, volumePct: Double)
    case meanDose(doseGy: Double)
    case eud(doseGy: Double, exponent: Double)

    /// Lowest dose used in the EUD for exponents a < 1 (Gy).
    public static let eudDoseFloorGy = 1e-3

    /// Reference dose D of the term (Gy).
    public var doseGy: Double {
        switch self {
        case .squaredDeviation(let d), .squaredUnderdose(let d), .squaredOverdose(let d), .meanDose(let d): return d
        case .minDVH(let d, _), .maxDVH(let d, _), .eud(let d, _): return d
        }
    }

    /// DVH volume V in % for `minDVH` and `maxDVH`, nil otherwise.
    var dvhVolumePct: Double? {
        switch self {
        case .minDVH(_, let v), .maxDVH(_, let v): return v
        default: return nil
        }
    }

    /// Checks that the parameters are finite and in range (D ≥ 0, 0 ≤ V ≤ 100, a ≠ 0).
    func validate() throws {
        guard doseGy.isFinite, doseGy >= 0 else { throw OptimizationError.invalidObjective("reference dose \(doseGy) Gy") }
        if let v = dvhVolumePct, !(v >= 0 && v <= 100) { throw OptimizationError.invalidObjective("DVH volume \(v) %") }
        if case .eud(_, let a) = self, !(a.isFinite && a != 0) { throw OptimizationError.invalidObjective("EUD exponent \(a)") }
    }
}
