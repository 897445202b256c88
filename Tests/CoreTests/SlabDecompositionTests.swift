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

    /// Brute-force properties of a weighted split: cores tile 0..<nz in order, none empty, halos are
    /// core ± halo clipped, and each boundary is the nearest admissible one to its weight target.
    static func checkWeighted(_ d: SlabDecomposition, weights: [Int64], parts: Int, halo: Int) {
        let nz = weights.count, n = min(parts, nz)
        #expect(d.slabs.count == n)
        var next = 0
        for (i, s) in d.slabs.enumerated() {
            #expect(s.index == i)
            #expect(s.core.lowerBound == next)
            #expect(!s.core.isEmpty)
            #expect(s.extended == max(0, s.core.lowerBound - halo)..<min(nz, s.core.upperBound + halo))
            next = s.core.upperBound
        }
        #expect(next == nz)
        let total = weights.reduce(0, +)
        guard total > 0 else { return }
        var previous = 0
        for i in 1..<n {
            let b = d.slabs[i].core.lowerBound
            let target = Double(i) * Double(total) / Double(n)
            let prefix = { (k: Int) in Double(weights[0..<k].reduce(0, +)) }
            // No admissible boundary is strictly nearer to the target (ties go to the lower slice).
            for c in (previous + 1)...(nz - (n - i)) where c != b {
                let dc = abs(prefix(c) - target), db = abs(prefix(b) - target)
                #expect(dc > db || (dc == db && c > b), "boundary \(i) at \(b), \(c) is nearer to \(target)")
            }
            previous = b
        }
    }

    @Test(arguments: [(1, 1, 0), (10, 3, 2), (10, 4, 0), (7, 7, 1), (5, 9, 3), (129, 4, 5), (40, 2, 3), (160, 32, 6)])
    func weightedSplitTilesTheVolumeAndIsBalanced(nz: Int, parts: Int, halo: Int) throws {
        var rng = RandomStream(seed: UInt64(nz * 100 + parts))
        // Weights 50…100: no slice outweighs a slab's share, so every core is within max w of total/parts.
        let weights = (0..<nz).map { _ in Int64(50 + Int(rng.uniform() * 51)) }
        let d = try SlabDecomposition(nz: nz, parts: parts, halo: halo, sliceWeights: weights)
        Self.checkWeighted(d, weights: weights, parts: parts, halo: halo)
        let total = Double(weights.reduce(0, +)), share = total / Double(min(parts, nz))
        if nz >= 2 * parts {
            for s in d.slabs {
                let w = Double(weights[s.core].reduce(0, +))
                #expect(abs(w - share) <= 100, "core \(s.core) weighs \(w), share \(share)")
            }
        }
        // Deterministic: the same weights give the same split.
        #expect(try SlabDecomposition(nz: nz, parts: parts, halo: halo, sliceWeights: weights) == d)
    }

    @Test func weightedSplitFollowsTheWork() throws {
        // All work in the upper half: two slabs split the upper half; uniform work: the even split.
        let upper = (0..<40).map { Int64($0 < 20 ? 0 : 10) }
        let d = try SlabDecomposition(nz: 40, parts: 2, halo: 3, sliceWeights: upper)
        #expect(d.slabs.map(\.core) == [0..<30, 30..<40])
        #expect(d.slabs.map(\.extended) == [0..<33, 27..<40])
        Self.checkWeighted(d, weights: upper, parts: 2, halo: 3)
        for (nz, parts) in [(40, 2), (41, 4), (160, 8), (9, 9)] {
            let even = try SlabDecomposition(nz: nz, parts: parts, halo: 2)
            let weighted = try SlabDecomposition(nz: nz, parts: parts, halo: 2, sliceWeights: Array(repeating: 7, count: nz))
            let sizes = weighted.slabs.map(\.core.count)
            #expect(sizes.max()! - sizes.min()! <= 1)
            #expect(weighted.slabs.count == even.slabs.count)
        }
        // No work at all: the even split. One heavy slice: every slab keeps at least one slice.
        #expect(try SlabDecomposition(nz: 10, parts: 3, halo: 1, sliceWeights: Array(repeating: 0, count: 10))
                == SlabDecomposition(nz: 10, parts: 3, halo: 1))
        let spike = (0..<10).map { Int64($0 == 0 ? 1000 : 0) }
        let s = try SlabDecomposition(nz: 10, parts: 3, halo: 0, sliceWeights: spike)
        #expect(s.slabs.map(\.core) == [0..<1, 1..<2, 2..<10])
        Self.checkWeighted(s, weights: spike, parts: 3, halo: 0)
    }

    @Test func weightedSplitRejectsBadWeights() {
        #expect(throws: CoreError.self) { try SlabDecomposition(nz: 4, parts: 2, halo: 0, sliceWeights: [1, 2, 3]) }
        #expect(throws: CoreError.self) { try SlabDecomposition(nz: 3, parts: 2, halo: 0, sliceWeights: [1, -2, 3]) }
        #expect(throws: CoreError.self) { try SlabDecomposition(nz: 2, parts: 2, halo: 0, sliceWeights: [Int64.max, 1]) }
        #expect(throws: CoreError.self) { try SlabDecomposition(nz: 0, parts: 2, halo: 0, sliceWeights: []) }
    }

    @Test func invalidParametersAreRejected() {
        #expect(throws: CoreError.self) { try SlabDecomposition(nz: 0, parts: 1, halo: 0) }
        #expect(throws: CoreError.self) { try SlabDecomposition(nz: 4, parts: 0, halo: 0) }
        #expect(throws: CoreError.self) { try SlabDecomposition(nz: 4, parts: 2, halo: -1) }
    }
}
