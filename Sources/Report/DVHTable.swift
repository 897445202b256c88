import Foundation

/// DVH curves resampled onto one dose axis, written as `dvh.csv`.
public struct DVHTable: Sendable, Equatable {
    /// The common dose axis in Gy, from 0 in equal steps to the highest dose of any curve.
    public let doseGy: [Double]
    /// Structure names, in column order.
    public let structures: [String]
    /// `volumePct[s][i]`: volume (%) of structure `s` at `doseGy[i]`.
    public let volumePct: [[Double]]

    /// The table of `curves`; the step is the finest step of any curve, widened so the axis has at
    /// most `maxRows` rows.
    public init(curves: [DVHCurve], maxRows: Int = 2001) {
        let top = curves.map { $0.doseGy[$0.doseGy.count - 1] }.max() ?? 0
        let finest = curves.flatMap { c in zip(c.doseGy, c.doseGy.dropFirst()).map { $1 - $0 } }.min() ?? 1
        let step = max(finest, top / Double(max(1, maxRows - 1)), 1e-6)
        let rows = top > 0 ? Int((top / step).rounded(.up)) + 1 : 1
        doseGy = (0..<rows).map { Double($0) * step }
        structures = curves.map(\.structure)
        volumePct = curves.map { c in (0..<rows).map { c.volumePct(atDoseGy: Double($0) * step) } }
    }

    /// CSV text: header `dose_gy,<structure>...` (names quoted when needed), one row per dose.
    public var csv: String {
        var lines = [(["dose_gy"] + structures.map(DVHTable.csvField)).joined(separator: ",")]
        for i in doseGy.indices {
            lines.append(([doseGy[i]] + volumePct.map { $0[i] }).map(DVHTable.number).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A number with at most 6 decimals and no trailing zeros.
    static func number(_ v: Double) -> String {
        var s = String(format: "%.6f", v)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s == "-0" ? "0" : s
    }

    /// RFC 4180 quoting of a field that holds a comma, quote or line break.
    static func csvField(_ s: String) -> String {
        guard s.contains(where: { ",\"\n\r".contains($0) }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
