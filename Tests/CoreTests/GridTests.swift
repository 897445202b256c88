import Testing
@testable import Core

@Suite struct GridTests {
    @Test func indexIsZMajor() throws {
        let g = try Grid(nx: 4, ny: 3, nz: 2, spacingMM: [1, 2, 3])
        #expect(g.index(0, 0, 0) == 0)
        #expect(g.index(1, 0, 0) == 1)
        #expect(g.index(0, 1, 0) == 4)
        #expect(g.index(0, 0, 1) == 12)
        #expect(g.index(3, 2, 1) == g.voxelCount - 1)
    }

    @Test func positionsUseOriginAsVoxelCentre() throws {
        let g = try Grid(nx: 10, ny: 10, nz: 5, spacingMM: [0.5, 0.5, 2.5], originMM: [-10, 20, -100])
        #expect(g.position(0, 0, 0) == [-10, 20, -100])
        #expect(g.position(2, 4, 3) == [-9, 22, -92.5])
        #expect(g.voxelCoordinates(of: [-9, 22, -92.5]) == [2, 4, 3])
        #expect(abs(g.voxelVolumeCC - 0.000625) < 1e-15)
    }

    @Test(arguments: [
        (0, 1, 1, SIMD3<Double>(1, 1, 1)),
        (1, -1, 1, SIMD3<Double>(1, 1, 1)),
        (1, 1, 1, SIMD3<Double>(0, 1, 1)),
        (1, 1, 1, SIMD3<Double>(1, -2, 1)),
        (1, 1, 1, SIMD3<Double>(1, 1, .nan)),
        (1, 1, 1, SIMD3<Double>(.infinity, 1, 1)),
        (1_000_000, 1_000_000, 1_000, SIMD3<Double>(1, 1, 1)),
        (Int.max / 2, 4, 1, SIMD3<Double>(1, 1, 1)),
    ])
    func rejectsInvalidGrids(nx: Int, ny: Int, nz: Int, spacing: SIMD3<Double>) {
        #expect(throws: CoreError.self) { try Grid(nx: nx, ny: ny, nz: nz, spacingMM: spacing) }
    }

    @Test func rejectsNonFiniteOrigin() {
        #expect(throws: CoreError.self) { try Grid(nx: 1, ny: 1, nz: 1, spacingMM: [1, 1, 1], originMM: [0, .nan, 0]) }
    }

    @Test func slabGridMovesOrigin() throws {
        let g = try Grid(nx: 3, ny: 3, nz: 10, spacingMM: [1, 1, 2], originMM: [0, 0, 5])
        let s = g.slab(4..<7)
        #expect(s.nz == 3)
        #expect(s.originMM == [0, 0, 13])
        #expect(s.position(0, 0, 0) == g.position(0, 0, 4))
    }

    @Test func boxGridMovesOrigin() throws {
        let g = try Grid(nx: 6, ny: 5, nz: 4, spacingMM: [1.5, 2, 3], originMM: [-10, 7, 5])
        let b = g.box(columns: 2..<5, rows: 1..<5)
        #expect(b.nx == 3 && b.ny == 4 && b.nz == 4 && b.spacingMM == g.spacingMM)
        #expect(b.position(0, 0, 0) == g.position(2, 1, 0) && b.position(2, 3, 3) == g.position(4, 4, 3))
        #expect(g.box(columns: 0..<6, rows: 0..<5) == g)
    }
}
