import Testing
@testable import Core

@Suite struct SlabDecompositionTests {
    @Test(arguments: [(1, 1, 0), (10, 3, 2), (10, 4, 0), (7, 7, 1), (5, 9, 3), (129, 4, 5)])
    func coresTileTheVolumeAndHalosAreClipped(nz: Int, parts: Int, halo: Int) throws {
        let d = try SlabDecomposition(nz: nz, parts: parts, halo: halo)
        #expect(d.slabs.count == min(nz, parts))
        var next = 0
        for s in d.slabs {
            #expect(s.core.lowerBound == next)
            #expect(!s.core.isEmpty)
            #expect(s.extended.lowerBound == max(0, s.core.lowerBound - halo))
            #expect(s.extended.upperBound == min(nz, s.core.upperBound + halo))
            next = s.core.upperBound
        }
        #expect(next == nz)
        let sizes = d.slabs.map(\.core.count)
        #expect(sizes.max()! - sizes.min()! <= 1)
    }

    @Test(arguments: [1, 2, 3, 4, 6])
    func splitAndReassembleIsExact(parts: Int) throws {
        let g = try Grid(nx: 6, ny: 5, nz: 11, spacingMM: [1, 1, 2.5], originMM: [-3, 4, 10])
        var rng = RandomStream(seed: 42)
        let v = try Volume<Float>(grid: g, voxels: (0..<g.voxelCount).map { _ in Float(rng.uniform()) })
        let d = try SlabDecomposition(nz: g.nz, parts: parts, halo: 2)
        let pieces = d.slabs.map { d.extract($0, from: v) }
        for (s, p) in zip(d.slabs, pieces) {
            #expect(p.grid.originMM == g.position(0, 0, s.extended.lowerBound))
        }
        let back = try d.reassemble(pieces, on: g)
        #expect(back == v)
    }

    @Test func reassembleRejectsWrongPieces() throws {
        let g = try Grid(nx: 2, ny: 2, nz: 4, spacingMM: [1, 1, 1])
        let d = try SlabDecomposition(nz: 4, parts: 2, halo: 1)
        let v = MaskVolume(grid: g)
        #expect(throws: CoreError.self) { try d.reassemble([v.slab(0..<3)], on: g) }
        #expect(throws: CoreError.self) { try d.reassemble([v.slab(0..<2), v.slab(1..<4)], on: g) }
    }

    @Test func invalidParametersAreRejected() {
        #expect(throws: CoreError.self) { try SlabDecomposition(nz: 0, parts: 1, halo: 0) }
        #expect(throws: CoreError.self) { try SlabDecomposition(nz: 4, parts: 0, halo: 0) }
        #expect(throws: CoreError.self) { try SlabDecomposition(nz: 4, parts: 2, halo: -1) }
    }
}
