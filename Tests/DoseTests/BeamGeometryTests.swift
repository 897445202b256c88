import Core
@testable import Dose
import Testing

/// IEC 61217 → LPS mapping, projection and bixel selection.
struct BeamGeometryTests {
    @Test("Gantry 0 travels anterior → posterior (+y); gantry 90 has its source on the patient's left (+x)")
    func gantryConvention() throws {
        let iso = SIMD3<Double>(10, 20, 30)
        let g0 = try Beam(gantryDeg: 0, isocentreMM: iso)
        #expect(simd_distance(g0.directionLPS, SIMD3(0, 1, 0)) < 1e-12)
        #expect(simd_distance(g0.sourceMM, iso + SIMD3(0, -1000, 0)) < 1e-9)
        let g90 = try Beam(gantryDeg: 90, isocentreMM: iso)
        #expect(simd_distance(g90.sourceMM, iso + SIMD3(1000, 0, 0)) < 1e-9)
        #expect(simd_distance(g90.directionLPS, SIMD3(-1, 0, 0)) < 1e-12)
        let g270 = try Beam(gantryDeg: 270, isocentreMM: iso)
        #expect(simd_distance(g270.sourceMM, iso + SIMD3(-1000, 0, 0)) < 1e-9)
        // u, v, and the direction form a right-handed frame in every orientation.
        for b in [g0, g90, g270, try Beam(gantryDeg: 33, isocentreMM: iso)] {
            let cross = SIMD3(b.uAxis.y * b.vAxis.z - b.uAxis.z * b.vAxis.y, b.uAxis.z * b.vAxis.x - b.uAxis.x * b.vAxis.z,
                              b.uAxis.x * b.vAxis.y - b.uAxis.y * b.vAxis.x)
            #expect(simd_distance(cross, -b.directionLPS) < 1e-12)
        }
    }

    @Test("Projection onto the isocentre plane scales by SAD / depth")
    func projection() throws {
        let b = try Beam(gantryDeg: 0, isocentreMM: .zero)
        let uv = try #require(b.projectToIsocentrePlane(SIMD3(10, 100, -20)))
        #expect(abs(uv.x - 10 * 1000 / 1100) < 1e-9 && abs(uv.y + 20 * 1000 / 1100) < 1e-9)
        #expect(b.projectToIsocentrePlane(SIMD3(0, -1000, 0)) == nil)
    }

    @Test("A 20 mm cube target with 5 mm bixels and no margin gets a 5 × 5 lattice per beam, ids in beam/v/u order")
    func coveringCube() throws {
        let grid = try Grid(nx: 30, ny: 30, nz: 30, spacingMM: SIMD3(repeating: 2), originMM: SIMD3(repeating: -29))
        var mask = MaskVolume(grid: grid)
        // Voxel centres −9…9 mm: a cube of 10 voxels (18 mm between outer centres).
        for k in 10..<20 { for j in 10..<20 { for i in 10..<20 { mask[i, j, k] = 1 } } }
        let g = try BeamGeometry.covering(target: mask, gantryDeg: [0, 90], bixelMM: 5, marginMM: 0)
        // Projections reach ±9·1000/990 ≈ ±9.1 mm; bixels at −10…10 mm reach ±12.5 mm: 5 per axis.
        #expect(g.beamlets.count == 50)
        #expect(g.beamlets.map(\.id) == Array(0..<50))
        #expect(g.beamlets[0].beamIndex == 0 && g.beamlets[25].beamIndex == 1)
        #expect(g.beamlets[0].uMM == -10 && g.beamlets[0].vMM == -10 && g.beamlets[1].uMM == -5)
        #expect(simd_distance(g.beams[0].isocentreMM, SIMD3(0, 0, 0)) < 1e-9)
        let again = try BeamGeometry.covering(target: mask, gantryDeg: [0, 90], bixelMM: 5, marginMM: 0)
        #expect(again == g)
        let wider = try BeamGeometry.covering(target: mask, gantryDeg: [0], bixelMM: 5, marginMM: 5)
        #expect(wider.beamlets.count == 49)
        #expect(throws: DoseError.self) { try BeamGeometry.covering(target: MaskVolume(grid: grid), gantryDeg: [0]) }
    }

    @Test("Voxels wider than a bixel lose no bixel between their centres (margin 0)")
    func coveringCoarseVoxels() throws {
        // 2 × 2 × 2 voxels of 8 mm centred on the isocentre: centres at ±4 mm, the target spans ±8 mm.
        let grid = try Grid(nx: 4, ny: 4, nz: 4, spacingMM: SIMD3(repeating: 8), originMM: SIMD3(repeating: -12))
        var mask = MaskVolume(grid: grid)
        for k in 1..<3 { for j in 1..<3 { for i in 1..<3 { mask[i, j, k] = 1 } } }
        let g = try BeamGeometry.covering(target: mask, gantryDeg: [0], bixelMM: 5, marginMM: 0)
        // The central bixel (u, v = 0, reaching ±2.5 mm) holds no projected centre but lies inside the target: kept,
        // with the ±5 mm ones; the ±10 mm ones (7.5–12.5 mm) lie outside it.
        #expect(Set(g.beamlets.map(\.uMM)) == [-5, 0, 5] && Set(g.beamlets.map(\.vMM)) == [-5, 0, 5])
        #expect(g.beamlets.count == 9)
        // Only the slice spacing is coarse: u keeps the centre rule, v fills in.
        let flat = try Grid(nx: 8, ny: 8, nz: 4, spacingMM: SIMD3(2, 2, 8), originMM: SIMD3(-7, -7, -12))
        var slab = MaskVolume(grid: flat)
        for k in 1..<3 { for j in 2..<6 { for i in 2..<6 { slab[i, j, k] = 1 } } }
        let h = try BeamGeometry.covering(target: slab, gantryDeg: [0], bixelMM: 5, marginMM: 0)
        #expect(Set(h.beamlets.map(\.vMM)) == [-5, 0, 5] && Set(h.beamlets.map(\.uMM)) == [-5, 0, 5])
    }

    @Test("A target whose projections would span more than maxBeamlets bixels is refused before any bixel is listed")
    func coveringRefusesAbsurdBeamletCounts() throws {
        // 64 × 64 × 8 voxels at 20 mm: a 1.28 m wide target; 1 mm bixels, 36 beams: about 36 · 1300² ≈ 6·10^7 bixels.
        let grid = try Grid(nx: 64, ny: 64, nz: 8, spacingMM: SIMD3(repeating: 20), originMM: SIMD3(-630, -630, -70))
        let mask = try MaskVolume(grid: grid, voxels: [UInt8](repeating: 1, count: grid.voxelCount))
        let gantry = (0..<36).map { Double($0) * 10 }
        do {
            _ = try BeamGeometry.covering(target: mask, gantryDeg: gantry, bixelMM: 1, marginMM: 5)
            Issue.record("expected a refusal")
        } catch DoseError.invalidParameter(let message) {
            #expect(message.contains("more than the \(BeamGeometry.maxBeamlets) a job may have"), "\(message)")
        }
        // The same target with 200 mm bixels is fine: the bound holds the lattice actually listed.
        let coarse = try BeamGeometry.covering(target: mask, gantryDeg: [0], bixelMM: 200, marginMM: 0)
        #expect(coarse.beamlets.count > 0 && coarse.beamlets.count <= 64)
    }

    @Test("A 100 × 100 mm open field with 5 mm bixels has 400 beamlets centred at ±2.5 … ±47.5 mm")
    func openField() throws {
        let g = try BeamGeometry.openField(gantryDeg: [0], isocentreMM: .zero, fieldSizeMM: SIMD2(100, 100))
        #expect(g.beamlets.count == 400)
        #expect(g.beamlets.map(\.uMM).min() == -47.5 && g.beamlets.map(\.uMM).max() == 47.5)
        #expect(g.beamlets.map(\.vMM).min() == -47.5 && g.beamlets.map(\.vMM).max() == 47.5)
    }
}

func simd_distance(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> Double { ((a - b) * (a - b)).sum().squareRoot() }
