/// A DVH metric of a structure: D_x (Gy), Dmean, Dmax, Dmin (Gy) or V_x Gy (%).
public enum DVHMetric: Hashable, Sendable, CustomStringConvertible {
    /// Dose received by at least `volumePct` % of the volume (Gy).
    case doseAtVolume(volumePct: Double)
    /// Mean dose (Gy).
    case meanDose
    /// Maximum voxel dose (Gy).
    case maxDose
    /// Minimum voxel dose (Gy).
    case minDose
    /// Percentage of the volume receiving at least `doseGy`.
    case volumeAtDose(doseGy: Double)

    /// The standard report set: Dmean, Dmax, Dmin, D2, D5, D10, D50, D95, D98.
    public static let standard: [DVHMetric] = [.meanDose, .maxDose, .minDose] + [2, 5, 10, 50, 95, 98].map { .doseAtVolume(volumePct: $0) }

    /// Clinical spelling, e.g. `D95`, `Dmean`, `V20Gy`.
    public var description: String {
        func number(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(v) }
        switch self {
        case .doseAtVolume(let v): return "D\(number(v))"
        case .meanDose: return "Dmean"
        case .maxDose: return "Dmax"
        case .minDose: return "Dmin"
        case .volumeAtDose(let d): return "V\(number(d))Gy"
        }
    }
}
