import Evaluation
import Foundation

/// The self-contained `report.html`: provenance, the three slices (PNG as base64 data URLs)
/// with structure and isodose legends, the DVH as inline SVG, the metrics and goals tables and
/// the job spec. Every string that comes from users is escaped; the page has no scripts.
struct ReportDocument {
    /// One embedded slice image.
    struct Image {
        let orientation: SliceOrientation
        let png: [UInt8]
        let width: Int, height: Int
    }

    let input: BundleInput
    let metrics: PlanMetrics
    let table: DVHTable?
    let images: [Image]
    /// The fluence mosaic (PNG) and its width in pixels.
    let fluence: (png: [UInt8], width: Int)?
    let centre: ResultBundle.SliceCentre
    let isodoses: [IsodoseLevel]
    let referenceIsPrescription: Bool

    var html: String {
        var h = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(e(input.title))</title>
        <style>
        body { font-family: sans-serif; margin: 24px; color: #222; max-width: 1400px; }
        h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 28px; border-bottom: 1px solid #ccc; }
        table { border-collapse: collapse; font-size: 13px; }
        th, td { border: 1px solid #bbb; padding: 3px 8px; text-align: right; }
        th { background: #eee; } td.name, th.name { text-align: left; }
        tr.pass td { background: #d9f2d9; } tr.fail td { background: #f8d0d0; }
        .slices { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
        figure { margin: 0; } figcaption { font-size: 12px; max-width: 420px; }
        .swatch { display: inline-block; width: 14px; height: 14px; vertical-align: middle; margin: 0 4px 0 12px; border: 1px solid #555; }
        ul.warnings li { background: #fff3cd; padding: 2px 6px; }
        pre { background: #f4f4f4; padding: 8px; font-size: 12px; overflow-x: auto; }
        </style></head><body>
        <h1>\(e(input.title))</h1>

        """
        h += "<h2>Provenance</h2>\n<table>\n"
        for row in input.provenance { h += "<tr><th class=\"name\">\(e(row.label))</th><td class=\"name\">\(e(row.value))</td></tr>\n" }
        h += "</table>\n"
        h += warningsSection()
        h += slicesSection()
        h += dvhSection()
        h += fluenceSection()
        h += metricsSection()
        h += goalsSection()
        if let spec = input.specText { h += "<h2>Job spec</h2>\n<pre>\(e(spec))</pre>\n" }
        return h + "</body></html>\n"
    }

    private func slicesSection() -> String {
        let p = centre.pointMM
        var h = "<h2>Slices</h2>\n<p>Through (\(fmt(p.x)), \(fmt(p.y)), \(fmt(p.z))) mm LPS (\(e(centre.source))). "
        h += input.doseGy == nil ? "No dose in this result.</p>\n"
            : "Dose colour wash from 10 % of the maximum (\(fmt(Double(input.doseGy?.voxels.max() ?? 0))) Gy).</p>\n"
        h += "<div class=\"slices\">\n"
        for image in images {
            let displayWidth = min(image.width, 440)
            h += "<figure><img alt=\"\(image.orientation.rawValue) slice\" width=\"\(displayWidth)\" src=\"data:image/png;base64,\(Data(image.png).base64EncodedString())\">"
            h += "<figcaption>\(e(image.orientation.orientationNote))</figcaption></figure>\n"
        }
        h += "</div>\n<p>Structures:"
        for s in input.structures { h += "<span class=\"swatch\" style=\"background:\(s.colour.hex)\"></span>\(e(s.name))" }
        if input.structures.isEmpty { h += " none" }
        h += "</p>\n"
        if !isodoses.isEmpty {
            h += "<p>Isodose lines (\(referenceIsPrescription ? "% of the prescription" : "% of the maximum dose")):"
            for level in isodoses { h += "<span class=\"swatch\" style=\"background:\(level.colour.hex)\"></span>\(e(level.label)) = \(fmt(level.doseGy)) Gy" }
            h += "</p>\n"
        }
        return h
    }

    /// The beams' fluence maps: the mosaic and which tile is which beam.
    private func fluenceSection() -> String {
        guard input.fluence.contains(where: { !$0.bixels.isEmpty }) else { return "" }
        guard let fluence else {
            return "<h2>Fluence</h2>\n<p>The bixels span more than \(FluenceMap.maxSpan) bixels along an axis: no picture; the weights are in fluence.csv.</p>\n"
        }
        let beams = input.fluence.map { "\(fmt($0.gantryDeg))°" }.joined(separator: ", ")
        var h = "<h2>Fluence</h2>\n<p>Beamlet weights on the isocentre plane in the beam's-eye view (u to the right, v up: IEC X "
        h += "and Y), one tile per beam, left to right and top to bottom: gantry \(e(beams)). Colour from 0 (dark blue) to the "
        h += "largest weight (dark red); grey: no beamlet. Values in fluence.csv.</p>\n"
        h += "<img alt=\"fluence maps\" width=\"\(min(fluence.width, 900))\" src=\"data:image/png;base64,\(Data(fluence.png).base64EncodedString())\">\n"
        return h
    }

    private func dvhSection() -> String {
        guard let table else { return "<h2>Dose-volume histogram</h2>\n<p>No dose in this result: no DVH.</p>\n" }
        let colours = Dictionary(input.structures.map { ($0.name, $0.colour) }, uniquingKeysWith: { a, _ in a })
        return "<h2>Dose-volume histogram</h2>\n" + DVHChart.svg(table, colours: colours) + "\n"
    }

    private func metricsSection() -> String {
        var h = "<h2>Metrics</h2>\n"
        if let rx = metrics.prescription {
            h += "<p>Prescription: \(rx.doseGy.map { fmt($0) + " Gy" } ?? "-") to \(e(rx.target ?? "-"))"
            if let n = rx.fractions { h += " in \(n) fractions" }
            if let norm = rx.normalise { h += ", normalised on \(e(norm))" }
            if let factor = rx.factor { h += " (factor \(fmt(factor)))" }
            h += ".</p>\n"
        }
        if let plan = metrics.plan {
            h += "<p>Homogeneity index \(plan.homogeneityIndex.map(fmt) ?? "-"), Paddick conformity index \(plan.paddickCI.map(fmt) ?? "-")"
            if let iso = plan.ciIsodoseGy { h += " at \(fmt(iso)) Gy" }
            h += ".</p>\n"
        }
        if let o = metrics.optimizer {
            h += "<p>Optimiser: \(o.iterations.map(String.init) ?? "-") iterations, objective \(o.objectiveInitial.map(fmt) ?? "-") → \(o.objectiveFinal.map(fmt) ?? "-")"
            if let reason = o.stopReason { h += ", stopped: \(e(reason))" }
            h += ".</p>\n"
        }
        let vKeys = Set(metrics.structures.flatMap { ($0.vGy ?? [:]).keys }).sorted { (Double($0) ?? 0) < (Double($1) ?? 0) }
        let doseColumns: [(String, KeyPath<PlanMetrics.StructureMetrics, Double?>)] = [
            ("Dmean", \.dmeanGy), ("Dmin", \.dminGy), ("Dmax", \.dmaxGy), ("D2", \.d2Gy), ("D5", \.d5Gy),
            ("D10", \.d10Gy), ("D50", \.d50Gy), ("D95", \.d95Gy), ("D98", \.d98Gy)]
        h += "<table>\n<tr><th class=\"name\">Structure</th><th>Voxels</th><th>Volume (cm³)</th>"
        h += doseColumns.map { "<th>\($0.0) (Gy)</th>" }.joined() + vKeys.map { "<th>V\(e($0)) Gy (%)</th>" }.joined() + "</tr>\n"
        for s in metrics.structures {
            h += "<tr><td class=\"name\">\(e(s.name))</td><td>\(s.voxels.map(String.init) ?? "-")</td><td>\(s.volumeCM3.map(fmt) ?? "-")</td>"
            h += doseColumns.map { "<td>\(s[keyPath: $0.1].map(fmt) ?? "-")</td>" }.joined()
            h += vKeys.map { "<td>\(s.vGy?[$0].map(fmt) ?? "-")</td>" }.joined() + "</tr>\n"
        }
        return h + "</table>\n"
    }

    /// The result's warnings (``PlanMetrics/warnings``), first, where a reader of its numbers sees them; empty without.
    private func warningsSection() -> String {
        guard let warnings = metrics.warnings, !warnings.isEmpty else { return "" }
        return "<h2>Warnings</h2>\n<ul class=\"warnings\">\n" + warnings.map { "<li>\(e($0))</li>\n" }.joined() + "</ul>\n"
    }

    private func goalsSection() -> String {
        guard let goals = metrics.goals, !goals.isEmpty else { return "<h2>Clinical goals</h2>\n<p>No goals were evaluated for this result.</p>\n" }
        var h = "<h2>Clinical goals</h2>\n<table>\n<tr><th class=\"name\">Structure</th><th class=\"name\">Metric</th><th class=\"name\">Goal</th><th>Value</th><th class=\"name\">Result</th></tr>\n"
        for g in goals {
            let unit = e(g.unit ?? "")
            let relation = g.comparator == "max" ? "≤" : g.comparator == "min" ? "≥" : e(g.comparator)
            h += "<tr class=\"\(g.passed ? "pass" : "fail")\"><td class=\"name\">\(e(g.structure))</td><td class=\"name\">\(e(g.metric))</td>"
            h += "<td class=\"name\">\(relation) \(fmt(g.limit)) \(unit)</td><td>\(g.value.map(fmt) ?? "-") \(unit)</td>"
            h += "<td class=\"name\">\(g.passed ? "pass" : "FAIL")</td></tr>\n"
        }
        return h + "</table>\n"
    }

    private func e(_ s: String) -> String { HTMLText.escape(s) }

    /// A number with 3 decimals (4 significant digits below 1, 0 below 0.0005), no trailing zeros.
    private func fmt(_ v: Double) -> String {
        if abs(v) < 0.0005 { return "0" }
        return abs(v) >= 1 ? DVHTable.number((v * 1000).rounded() / 1000) : String(format: "%.4g", v)
    }
}
