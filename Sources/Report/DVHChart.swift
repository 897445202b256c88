import Foundation

/// The DVH as an inline SVG: axes with ticks and labels (dose in Gy, volume in %), one
/// polyline per structure in its colour, and a legend.
enum DVHChart {
    static let width = 760.0, height = 420.0
    static let left = 60.0, right = 190.0, top = 20.0, bottom = 50.0

    /// SVG markup of `table` with curve colours `colours` (by structure name).
    static func svg(_ table: DVHTable, colours: [String: RGBColour]) -> String {
        let plotW = width - left - right, plotH = height - top - bottom
        let doseStep = niceCeiling((table.doseGy.last ?? 1) / 5)
        let ticks = max(1, Int(((table.doseGy.last ?? 1) / doseStep - 1e-9).rounded(.up)))
        let maxDose = Double(ticks) * doseStep
        func x(_ d: Double) -> Double { left + d / maxDose * plotW }
        func y(_ v: Double) -> Double { top + (1 - v / 100) * plotH }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"dvh\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        s += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\" fill=\"#fff\" stroke=\"#333\"/>\n"
        for k in 0...ticks {
            let d = Double(k) * doseStep, px = x(d)
            s += "<line x1=\"\(f(px))\" y1=\"\(f(top))\" x2=\"\(f(px))\" y2=\"\(f(top + plotH + 5))\" stroke=\"#ccc\"/>"
            s += "<text x=\"\(f(px))\" y=\"\(f(top + plotH + 18))\" text-anchor=\"middle\">\(DVHTable.number((d * 1000).rounded() / 1000))</text>\n"
        }
        for k in 0...5 {
            let v = Double(k) * 20, py = y(v)
            s += "<line x1=\"\(f(left - 5))\" y1=\"\(f(py))\" x2=\"\(f(left + plotW))\" y2=\"\(f(py))\" stroke=\"#ccc\"/>"
            s += "<text x=\"\(f(left - 8))\" y=\"\(f(py + 4))\" text-anchor=\"end\">\(Int(v))</text>\n"
        }
        s += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(height - 10))\" text-anchor=\"middle\">Dose (Gy)</text>\n"
        s += "<text transform=\"translate(16 \(f(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">Volume (%)</text>\n"
        for (n, name) in table.structures.enumerated() {
            let colour = colours[name]?.hex ?? "#000000"
            let points = zip(table.doseGy, table.volumePct[n]).map { "\(f(x($0))),\(f(y($1)))" }.joined(separator: " ")
            s += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" points=\"\(points)\"><title>\(HTMLText.escape(name))</title></polyline>\n"
            let ly = top + 10 + Double(n) * 18
            s += "<line x1=\"\(f(left + plotW + 15))\" y1=\"\(f(ly))\" x2=\"\(f(left + plotW + 40))\" y2=\"\(f(ly))\" stroke=\"\(colour)\" stroke-width=\"3\"/>"
            s += "<text x=\"\(f(left + plotW + 46))\" y=\"\(f(ly + 4))\">\(HTMLText.escape(name))</text>\n"
        }
        return s + "</svg>"
    }

    /// The smallest 1, 2, 2.5, 5 or 10 × 10^k that is ≥ `v` (1 for v ≤ 0).
    static func niceCeiling(_ v: Double) -> Double {
        guard v > 0, v.isFinite else { return 1 }
        let magnitude = pow(10, floor(log10(v)))
        return [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= v * (1 - 1e-12) } ?? 10 * magnitude
    }

    private static func f(_ v: Double) -> String { String(format: "%.1f", v) }
}
