import Core
import Testing
@testable import Phantoms

@Suite struct WaterPhantomTests {
    @Test func cylinderIsExactWaterInAir() throws {
        let size = try PhantomSize(nx: 40, ny: 40, nz: 10)
        let p = try PhantomFactory.water(shape: .cylinder(diameterMM: 100), size: size, spacingMM: SIMD3(3, 3, 5))
        let body = p.m("body")
        #expect(p.kind == "water-cylinder" && p.structureNames == ["body"] && p.isocentreMM == .zero)
        for z in 0..<10 { for y in 0..<40 { for x in 0..<40 {
            let q = p.grid.position(x, y, z)
            let inside = q.x * q.x + q.y * q.y <= 2500
            #expect((body[x, y, z] == 1) == inside)
            #expect(p.ct[x, y, z] == (inside ? 0 : -1000))
        } } }
        // Area of a 100 mm disc is 78.5 cm²; voxelised within 3 % over 10 slices of 0.5 cm.
        #expect(abs(p.structure(named: "body")!.volumeCC - 78.54 * 5) < 0.03 * 78.54 * 5)
    }

    @Test func boxHasFlatFacesAndIsCentred() throws {
        let size = try PhantomSize(nx: 32, ny: 32, nz: 16)
        let p = try PhantomFactory.water(shape: .box(sizeMM: SIMD3(62, 82, 42)), size: size, spacingMM: SIMD3(4, 4, 4))
        let v = voxels(p.m("body"))
        #expect(p.kind == "water-box")
        // Voxel centres at ±2, ±6, … mm: 16 × 20 × 10 voxels fit inside 62 × 82 × 42 mm.
        #expect(v.count == 16 * 20 * 10)
        #expect(Set(v.map { $0.0 }).count == 16 && Set(v.map { $0.1 }).count == 20 && Set(v.map { $0.2 }).count == 10)
        #expect(Set(v.map { $0.0 }) == Set(8..<24))
    }

    @Test func noiseHasTheRequestedSigma() throws {
        let p = try PhantomFactory.water(shape: .box(sizeMM: SIMD3(200, 200, 120)), size: .small, noiseHU: 20, seed: 3)
        let water = zip(p.ct.voxels, p.m("body").voxels).filter { $0.1 != 0 }.map { Double($0.0) }
        let mean = water.reduce(0, +) / Double(water.count)
        let sd = (water.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(water.count - 1)).squareRoot()
        #expect(abs(mean) < 0.5 && abs(sd - 20) < 0.5, "\(mean) ± \(sd) HU over \(water.count) voxels")
    }

    @Test func shapesThatDoNotFitAreRejected() throws {
        let size = try PhantomSize(nx: 16, ny: 16, nz: 8)
        #expect(throws: PhantomError.self) { try PhantomFactory.water(shape: .cylinder(diameterMM: 100), size: size) }
        #expect(throws: PhantomError.self) { try PhantomFactory.water(shape: .box(sizeMM: SIMD3(10, 0, 10)), size: size) }
    }
}
