/// A DVH metric named the way clinicians write it: `D95` (dose to 95 % of the volume, Gy), `Dmean`,
/// `Dmax`, `Dmin` (Gy) or `V20Gy` (percentage of the volume receiving at least 20 Gy).
public enum DoseMetric: Hashable, Sendable, CustomStringConvertible {
    /// D_x: the minimum dose received by the hottest `volumePct` % of the structure (Gy), 0 ≤ x ≤ 100.
    case doseAtVolume(volumePct: Double)
    /// Mean dose (Gy).
    case meanDose
    /// Maximum voxel dose (Gy).
    case maxDose
    /// Minimum voxel dose (Gy).
    case minDose
    /// V_D: percentage of the structure volume receiving at least `doseGy`, 0 < D ≤ 200 Gy.
    case volumeAtDose(doseGy: Double)

    /// True for metrics whose value is a dose (Gy); false for `V…Gy`, whose value is a volume (%).
    public var isDose: Bool {
        if case .volumeAtDose = self { return false }
        return true
    }

    /// Parses `D95`, `D99.5`, `Dmean`, `Dmax`, `Dmin`, `V20Gy`, `V2.5Gy`; nil for anything else or
    /// for a D/V parameter outside its range.
    public init?(_ text: String) {
        switch text {
        case "Dmean": self = .meanDose
        case "Dmax": self = .maxDose
        case "Dmin": self = .minDose
        default:
            if text.hasPrefix("D"), let pct = DoseMetric.number(text.dropFirst()), pct >= 0, pct <= 100 {
                self = .doseAtVolume(volumePct: pct)
            } else if text.hasPrefix("V"), text.hasSuffix("Gy"),
                      let gy = DoseMetric.number(text.dropFirst().dropLast(2)), gy > 0, gy <= 200 {
                self = .volumeAtDose(doseGy: gy)
            } else {
                return nil
            }
        }
    }

    /// The number inside a metric name: digits with at most one decimal point, no sign or exponent.
    private static func number(_ text: Substring) -> Double? {
        guard text.allSatisfy({ ("0"..."9").contains($0) || $0 == "." }) else { return nil }
        return DecimalText.parse(String(text))
    }

    /// The spec spelling, e.g. `D95`, `V20Gy`.
    public var description: String {
        switch self {
        case .doseAtVolume(let pct): return "D\(DecimalText.format(pct))"
        case .meanDose: return "Dmean"
        case .maxDose: return "Dmax"
        case .minDose: return "Dmin"
        case .volumeAtDose(let gy): return "V\(DecimalText.format(gy))Gy"
        }
    }
}
