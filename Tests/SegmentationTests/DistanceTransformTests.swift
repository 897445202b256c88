import Core
import Segmentation
import Testing

@Suite struct DistanceTransformTests {
    /// Brute force: minimum over all foreground voxels of the squared centre distance in mm².
    static func bruteForce(_ mask: MaskVolume) -> [Double] {
        let g = mask.grid
        let (sx, sy, sz) = (g.spacingMM.x, g.spacingMM.y, g.spacingMM.z)
        var fg: [(Double, Double, Double)] = []
        for z in 0..<g.nz { for y in 0..<g.ny { for x in 0..<g.nx where mask.voxels[g.index(x, y, z)] != 0 {
            fg.append((Double(x) * sx, Double(y) * sy, Double(z) * sz))
        } } }
        var out: [Double] = []
        for z in 0..<g.nz { for y in 0..<g.ny { for x in 0..<g.nx {
            let (px, py, pz) = (Double(x) * sx, Double(y) * sy, Double(z) * sz)
            var best = Double.infinity
            for f in fg {
                let d = (px - f.0) * (px - f.0) + (py - f.1) * (py - f.1) + (pz - f.2) * (pz - f.2)
                if d < best { best = d }
            }
            out.append(best)
        } } }
        return out
    }

    @Test(arguments: Synthetic.spacings)
    func matchesBruteForceOnRandomMasks(spacing: SIMD3<Double>) {
        // Relative tolerance 1e-12: both sides sum the same three exact-ish squares in another order.
        var worst = 0.0
        for (density, seed) in [(0.002, UInt64(1)), (0.02, 2), (0.2, 3), (0.6, 4)] {
            let mask = Synthetic.randomMask(Synthetic.grid(14, 12, 11, spacingMM: spacing), density: density, seed: seed)
            let edt = DistanceTransform.squaredDistanceMM2(to: mask)
            for (a, b) in zip(edt.voxels, Self.bruteForce(mask)) {
                worst = max(worst, abs(a - b) / max(1, b))
            }
        }
        #expect(worst <= 1e-12)
    }

    @Test func singleVoxelGivesAnisotropicSquaredDistances() throws {
        let g = Synthetic.grid(5, 4, 3, spacingMM: SIMD3(0.98, 0.98, 2.5))
        var mask = MaskVolume(grid: g)
        mask[1, 2, 0] = 1
        let edt = DistanceTransform.squaredDistanceMM2(to: mask)
        let expected = (4 - 1) * (4 - 1) * 0.98 * 0.98 + 1 * 0.98 * 0.98 + 2 * 2 * 2.5 * 2.5
        #expect(abs(edt[4, 3, 2] - expected) <= 1e-12 * expected)
        #expect(edt[1, 2, 0] == 0)
    }

    @Test func emptyMaskIsInfiniteEverywhere() {
        let edt = DistanceTransform.squaredDistanceMM2(to: MaskVolume(grid: Synthetic.grid(4, 3, 2)))
        #expect(edt.voxels.allSatisfy { $0 == .infinity })
    }
}
