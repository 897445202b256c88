import Core
import Testing
@testable import Phantoms

@Suite struct MaskMarginTests {
    /// Compares the expansion with a brute-force minimum distance over all mask voxels on an
    /// anisotropic grid (1.5 × 2.5 × 4 mm).
    @Test func expansionMatchesBruteForceDistance() throws {
        let grid = try Grid(nx: 20, ny: 16, nz: 12, spacingMM: SIMD3(1.5, 2.5, 4))
        var rng = RandomStream(seed: 9)
        var mask = MaskVolume(grid: grid)
        for z in 4..<8 { for y in 5..<11 { for x in 6..<14 where rng.uniform() < 0.3 { mask[x, y, z] = 1 } } }
        let set = voxels(mask)
        for margin in [0.0, 3.0, 5.0, 7.5] {
            let grown = try MaskMargin.expand(mask, marginMM: margin)
            var mismatches = 0
            for z in 0..<grid.nz { for y in 0..<grid.ny { for x in 0..<grid.nx {
                let d2 = set.map { v -> Double in
                    let a = Double(x - v.0) * 1.5, b = Double(y - v.1) * 2.5, c = Double(z - v.2) * 4
                    return a * a + b * b + c * c
                }.min()!
                if (grown[x, y, z] != 0) != (d2 <= margin * margin + 1e-9) { mismatches += 1 }
            } } }
            #expect(mismatches == 0, "margin \(margin) mm: \(mismatches) voxels differ")
        }
    }

    @Test func singleVoxelGrowsIntoAnAnisotropicBall() throws {
        let grid = try Grid(nx: 11, ny: 11, nz: 11, spacingMM: SIMD3(1, 2, 3))
        var mask = MaskVolume(grid: grid)
        mask[5, 5, 5] = 1
        let grown = try MaskMargin.expand(mask, marginMM: 3)
        // Offsets with dx² + (2dy)² + (3dz)² ≤ 9: dz = ±1 → 1 each; dz = 0: dy = 0 → 7, dy = ±1 → 5 each.
        #expect(voxels(grown).count == 2 + 7 + 10)
        #expect(grown[8, 5, 5] == 1 && grown[9, 5, 5] == 0 && grown[5, 5, 6] == 1 && grown[5, 6, 6] == 0)
    }

    @Test func negativeMarginIsRejected() throws {
        let grid = try Grid(nx: 4, ny: 4, nz: 4, spacingMM: SIMD3(1, 1, 1))
        #expect(throws: PhantomError.self) { try MaskMargin.expand(MaskVolume(grid: grid), marginMM: -1) }
    }
}
