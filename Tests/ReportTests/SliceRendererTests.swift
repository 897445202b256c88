import Core
import Testing
@testable import Report

/// Slice images of a box phantom: orientation, aspect ratio and the colour of each layer.
@Suite struct SliceRendererTests {
    /// 40×30×20 voxels of 2×2×4 mm; water (0 HU) box x 5..<35, y 5..<25, all z; air elsewhere.
    static let grid = try! Grid(nx: 40, ny: 30, nz: 20, spacingMM: SIMD3(2, 2, 4), originMM: SIMD3(-39, -29, -38))

    static func ct() -> CTVolume {
        var ct = CTVolume(grid: grid, repeating: -1000)
        for z in 0..<20 { for y in 5..<25 { for x in 5..<35 { ct[x, y, z] = 0 } } }
        return ct
    }

    /// A cube of voxels (x, y, z) ± 2.
    static func cube(_ x: Int, _ y: Int, _ z: Int) -> MaskVolume {
        var m = MaskVolume(grid: grid)
        for k in (z - 2)...(z + 2) { for j in (y - 2)...(y + 2) { for i in (x - 2)...(x + 2) { m[i, j, k] = 1 } } }
        return m
    }

    @Test func squarePixelsKeepTheAspectRatio() {
        let centre = SIMD3(0.0, 0, 0)
        let coronal = SliceGeometry(grid: Self.grid, orientation: .coronal, throughMM: centre)
        // 80 mm wide (x) × 80 mm tall (z): square image although z voxels are twice as thick.
        #expect(abs(Double(coronal.width) / Double(coronal.height) - 1) < 0.01)
        let axial = SliceGeometry(grid: Self.grid, orientation: .axial, throughMM: centre)
        #expect(abs(Double(axial.width) / Double(axial.height) - 80.0 / 60) < 0.01)
        // Finer pixels for a small grid: a fifth of the 2 mm spacing (the 360-pixel target needs 0.22 mm).
        #expect(axial.pixelSizeMM == 0.4 && axial.width == 200)
    }

    @Test func patientLeftIsOnTheRightAnteriorAndSuperiorUp() {
        let g = Self.grid
        let left = g.position(30, 15, 10), anterior = g.position(20, 8, 10), superior = g.position(20, 15, 16)
        let axial = SliceGeometry(grid: g, orientation: .axial, throughMM: g.position(20, 15, 10))
        #expect(axial.pixel(of: left)!.column > axial.width / 2)
        #expect(axial.pixel(of: anterior)!.row < axial.height / 2)
        let coronal = SliceGeometry(grid: g, orientation: .coronal, throughMM: g.position(20, 15, 10))
        #expect(coronal.pixel(of: superior)!.row < coronal.height / 2)
        #expect(coronal.pixel(of: left)!.column > coronal.width / 2)
        let sagittal = SliceGeometry(grid: g, orientation: .sagittal, throughMM: g.position(20, 15, 10))
        #expect(sagittal.pixel(of: anterior)!.column < sagittal.width / 2)
        #expect(sagittal.pixel(of: superior)!.row < sagittal.height / 2)
    }

    @Test func layersHaveTheExpectedColoursAtKnownPlaces() throws {
        let g = Self.grid
        // Dose 20 Gy in a slab x 20..<35 (patient left half of the box), 1 Gy (< 10 %) elsewhere in the box.
        var dose = DoseVolume(grid: g)
        for z in 0..<20 { for y in 5..<25 { for x in 5..<35 { dose[x, y, z] = x >= 20 ? 20 : 1 } } }
        let marker = RGBColour(0, 255, 0)
        let structure = ReportStructure(name: "marker", mask: Self.cube(10, 15, 10), colour: marker)
        var renderer = SliceRenderer()
        renderer.drawsDirectionLetters = false
        let geometry = SliceGeometry(grid: g, orientation: .axial, throughMM: g.position(20, 15, 10))
        let image = renderer.render(geometry, ct: Self.ct(), doseGy: dose, structures: [structure], isodoses: IsodoseLevel.standard(referenceGy: 20))
        func at(_ x: Int, _ y: Int) -> RGBColour { let p = geometry.pixel(of: g.position(x, y, 10))!; return image[p.column, p.row] }
        // Air: black. Water with 1 Gy (below 10 % of 20 Gy): grey (0 - 40) / 400 + 0.5 = 0.4 → 102.
        #expect(at(2, 2) == RGBColour(0, 0, 0))
        #expect(at(16, 20) == RGBColour(102, 102, 102))
        // 20 Gy (the maximum): jet(1) = (128, 0, 0) over grey 102 at 45 % opacity → (114, 56, 56).
        #expect(at(28, 15) == RGBColour(114, 56, 56))
        // Structure outline: the marker's left edge voxel (x = 8) at its centre row; its interior is grey.
        let edge = geometry.pixel(of: g.position(8, 15, 10) - SIMD3(0.9, 0, 0))!
        #expect(image[edge.column, edge.row] == marker)
        #expect(at(10, 15) == RGBColour(102, 102, 102))
        // The 95 % isodose (19 Gy, white, drawn over the lower levels) lies where the interpolated dose
        // reaches 19 Gy, 0.1 mm left of voxel 20's centre: the pixel just right of it is on the line.
        let line = geometry.pixel(of: g.position(20, 15, 10) + SIMD3(0.1, 0, 0))!
        #expect(image[line.column, line.row] == RGBColour(255, 255, 255))
    }

    @Test func jetRunsFromBlueThroughGreenToRed() {
        #expect(RGBColour.jet(0) == RGBColour(0, 0, 128))
        #expect(RGBColour.jet(0.5) == RGBColour(128, 255, 128))
        #expect(RGBColour.jet(1) == RGBColour(128, 0, 0))
    }
}
