import Core

/// Draws one slice of a case: CT in grey, dose colour wash, isodose lines, structure outlines
/// and the patient-direction letters at the edges.
///
/// Layers, bottom to top: CT through a window (`levelHU ± widthHU/2` → black...white); dose as a
/// jet colour wash with opacity `washOpacity` where dose ≥ `washThresholdFraction` × the dose
/// maximum (transparent below); isodose lines, highest on top (pixels at or above a level with a row or column neighbour
/// below it); structure outlines (inside pixels next to an outside one); R/L, A/P, S/I letters.
public struct SliceRenderer: Sendable {
    /// CT window centre and width in HU (default: a soft-tissue window, 40 / 400).
    public var levelHU: Double = 40, widthHU: Double = 400
    /// Dose below this fraction of the maximum is not coloured.
    public var washThresholdFraction: Double = 0.1
    /// Opacity of the dose wash.
    public var washOpacity: Double = 0.45
    /// Whether to draw the direction letters.
    public var drawsDirectionLetters = true

    /// A renderer with the default window and wash.
    public init() {}

    /// The image of `ct` (with optional `doseGy` on its own grid, `structures` on any grid and
    /// `isodoses`) on the plane `geometry`.
    public func render(_ geometry: SliceGeometry, ct: CTVolume, doseGy: DoseVolume?, structures: [ReportStructure], isodoses: [IsodoseLevel]) -> RGBImage {
        let w = geometry.width, h = geometry.height
        var image = RGBImage(width: w, height: h)
        var dose = [Double](repeating: 0, count: w * h)
        let maxDose = Double(doseGy?.voxels.max() ?? 0)
        let huVoxels = ct.voxels
        for row in 0..<h { for column in 0..<w {
            let p = geometry.pointMM(column: column, row: row)
            let hu = VolumeSampler.nearestIndex(ct.grid, p).map { Double(huVoxels[$0]) } ?? -1000
            let grey = UInt8((min(max((hu - levelHU) / widthHU + 0.5, 0), 1) * 255).rounded())
            var colour = RGBColour(grey, grey, grey)
            if let doseGy, let d = VolumeSampler.trilinear(doseGy, p) {
                dose[row * w + column] = d
                if maxDose > 0, d >= washThresholdFraction * maxDose {
                    colour = RGBColour.jet(d / maxDose).blended(over: colour, alpha: washOpacity)
                }
            }
            image[column, row] = colour
        } }
        for level in isodoses.sorted(by: { $0.doseGy < $1.doseGy }) where level.doseGy > 0 {
            drawBoundary(on: &image, colour: level.colour) { dose[$1 * w + $0] >= level.doseGy }
        }
        for s in structures {
            let voxels = s.mask.voxels
            var inside = [Bool](repeating: false, count: w * h)
            for row in 0..<h { for column in 0..<w {
                if let i = VolumeSampler.nearestIndex(s.mask.grid, geometry.pointMM(column: column, row: row)), voxels[i] != 0 {
                    inside[row * w + column] = true
                }
            } }
            drawBoundary(on: &image, colour: s.colour) { inside[$1 * w + $0] }
        }
        if drawsDirectionLetters { DirectionLetters.draw(geometry.orientation.edgeLabels, on: &image) }
        return image
    }

    /// Colours the pixels where `inside` holds and a pixel up to the line half-width away along a
    /// row or column (inside the image) does not; the width grows with the image (1 px per 160).
    private func drawBoundary(on image: inout RGBImage, colour: RGBColour, inside: (Int, Int) -> Bool) {
        let w = image.width, h = image.height
        let reach = max(1, max(w, h) / 160)
        for row in 0..<h { for column in 0..<w where inside(column, row) {
            let edge = (1...reach).contains { d in
                (column - d >= 0 && !inside(column - d, row)) || (column + d < w && !inside(column + d, row))
                    || (row - d >= 0 && !inside(column, row - d)) || (row + d < h && !inside(column, row + d))
            }
            if edge { image[column, row] = colour }
        } }
    }
}
