import Core
import Evaluation
import Foundation

/// Makes the files of a result bundle a physicist opens: `axial.png`, `coronal.png`,
/// `sagittal.png`, `dvh.csv` (when there is a dose), `fluence.png` and `fluence.csv` (when there are beams),
/// `metrics.json` and a self-contained `report.html`. Pure: the caller reads the inputs and writes the files.
public enum ResultBundle {
    /// The bundle's files for `input`.
    public static func make(_ input: BundleInput) throws -> [BundleFile] {
        let metricsText: String, metrics: PlanMetrics
        var curves = input.dvhCurves
        if let json = input.metricsJSON {
            do { metrics = try JSONDecoder().decode(PlanMetrics.self, from: Data(json.utf8)) } catch {
                throw ReportError("the result's metrics_json is not valid metrics JSON: \(error)")
            }
            metricsText = json.hasSuffix("\n") ? json : json + "\n"
            if curves.isEmpty, input.doseGy != nil { curves = try StructureAnalysis.analyse(doseGy: input.doseGy, structures: input.structures).1 }
        } else {
            let analysed = try StructureAnalysis.analyse(doseGy: input.doseGy, structures: input.structures)
            metrics = analysed.0
            if curves.isEmpty { curves = analysed.1 }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            metricsText = String(decoding: try encoder.encode(metrics), as: UTF8.self) + "\n"
        }
        let centre = sliceCentre(input, metrics: metrics)
        let referenceGy = metrics.prescription?.doseGy ?? Double(input.doseGy?.voxels.max() ?? 0)
        let isodoses = input.doseGy == nil || referenceGy <= 0 ? [] : IsodoseLevel.standard(referenceGy: referenceGy)
        let renderer = SliceRenderer()
        var files: [BundleFile] = []
        var images: [ReportDocument.Image] = []
        for orientation in SliceOrientation.allCases {
            let geometry = SliceGeometry(grid: input.ct.grid, orientation: orientation, throughMM: centre.pointMM)
            let png = try PNGWriter.encode(renderer.render(geometry, ct: input.ct, doseGy: input.doseGy, structures: input.structures, isodoses: isodoses))
            files.append(BundleFile(name: "\(orientation.rawValue).png", bytes: png))
            images.append(.init(orientation: orientation, png: png, width: geometry.width, height: geometry.height))
        }
        let table = curves.isEmpty ? nil : DVHTable(curves: curves)
        if let table { files.append(BundleFile(name: "dvh.csv", bytes: Array(table.csv.utf8))) }
        var fluence: (png: [UInt8], width: Int)?
        if input.fluence.contains(where: { !$0.bixels.isEmpty }) {
            files.append(BundleFile(name: "fluence.csv", bytes: Array(FluenceMap.csv(input.fluence).utf8)))
            if let mosaic = FluenceMap.mosaic(input.fluence) {
                let png = try PNGWriter.encode(mosaic)
                files.append(BundleFile(name: "fluence.png", bytes: png))
                fluence = (png, mosaic.width)
            }
        }
        files.append(BundleFile(name: "metrics.json", bytes: Array(metricsText.utf8)))
        let document = ReportDocument(input: input, metrics: metrics, table: table, images: images, fluence: fluence, centre: centre,
                                      isodoses: isodoses, referenceIsPrescription: metrics.prescription?.doseGy != nil)
        files.append(BundleFile(name: "report.html", bytes: Array(document.html.utf8)))
        return files
    }

    /// The point the slices pass through and how it was chosen.
    struct SliceCentre {
        let pointMM: SIMD3<Double>
        let source: String
    }

    /// The isocentre; else the centroid of the prescription target or of the first structure
    /// named PTV/CTV/GTV...; else the centre of the CT.
    static func sliceCentre(_ input: BundleInput, metrics: PlanMetrics) -> SliceCentre {
        if let iso = input.isocentreMM { return SliceCentre(pointMM: iso, source: "isocentre") }
        let target = input.structures.first { $0.name == metrics.prescription?.target }
            ?? ["ptv", "ctv", "gtv"].lazy.compactMap { prefix in input.structures.first { $0.name.lowercased().hasPrefix(prefix) } }.first
        if let target, let centroid = centroid(target.mask) {
            return SliceCentre(pointMM: centroid, source: "centre of \(target.name)")
        }
        let g = input.ct.grid
        return SliceCentre(pointMM: g.position(0, 0, 0) + (SIMD3(Double(g.nx), Double(g.ny), Double(g.nz)) - 1) / 2 * g.spacingMM, source: "centre of the CT")
    }

    /// Mean position (mm) of the voxels inside `mask`, nil when it is empty.
    static func centroid(_ mask: MaskVolume) -> SIMD3<Double>? {
        let g = mask.grid
        var sum = SIMD3<Double>.zero, count = 0
        let voxels = mask.voxels
        for z in 0..<g.nz { for y in 0..<g.ny { for x in 0..<g.nx where voxels[g.index(x, y, z)] != 0 {
            sum += SIMD3(Double(x), Double(y), Double(z))
            count += 1
        } } }
        guard count > 0 else { return nil }
        return g.originMM + sum / Double(count) * g.spacingMM
    }
}
