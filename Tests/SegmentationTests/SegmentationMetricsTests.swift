import Foundation
import Testing
import Core
@testable import Segmentation

/// Dice and 95 % Hausdorff distance on analytic shapes.
struct SegmentationMetricsTests {
    /// A voxelised sphere (centres within `radiusMM`) on a 1 mm grid of 64³ voxels.
    static func sphere(centreMM: SIMD3<Double>, radiusMM: Double) throws -> MaskVolume {
        let g = try Grid(nx: 64, ny: 64, nz: 64, spacingMM: SIMD3(1, 1, 1))
        var m = MaskVolume(grid: g)
        for z in 0..<64 { for y in 0..<64 { for x in 0..<64 {
            let d = g.position(x, y, z) - centreMM
            if (d * d).sum() <= radiusMM * radiusMM { m[x, y, z] = 1 }
        } } }
        return m
    }

    @Test("two offset spheres: Dice equals the lens formula, HD95 the surface-distance percentile")
    func offsetSpheres() throws {
        let r = 15.0, d = 6.0
        let a = try Self.sphere(centreMM: SIMD3(32, 32, 32), radiusMM: r)
        let b = try Self.sphere(centreMM: SIMD3(32 + d, 32, 32), radiusMM: r)
        // Lens volume of two spheres of radius r at distance d: π (4r + d)(2r − d)² / 12.
        let lens = Double.pi * (4 * r + d) * (2 * r - d) * (2 * r - d) / 12
        let analyticDice = lens / (4.0 / 3.0 * Double.pi * r * r * r)
        // Voxelisation error of a 15 mm sphere on a 1 mm grid is about 1 % of the volume.
        #expect(abs(SegmentationMetrics.dice(a, b) - analyticDice) < 0.01)
        // Continuous surface distance from a point at polar cosine c on A to B: |√(r² + d² − 2rdc) − r|,
        // with c uniform on [−1, 1] for the area measure; both directions have the same distribution.
        let distances = (0..<100_000).map { i -> Double in
            let c = -1 + 2 * (Double(i) + 0.5) / 100_000
            return abs((r * r + d * d - 2 * r * d * c).squareRoot() - r)
        }.sorted()
        let analytic95 = distances[94_999]
        // Surface voxels sit up to ~1 voxel off the continuous sphere: 1 mm tolerance.
        #expect(abs(SegmentationMetrics.hausdorff95MM(a, b) - analytic95) <= 1.0)
    }

    @Test("identical masks: Dice 1, HD95 0; disjoint empty cases")
    func edgeCases() throws {
        let a = try Self.sphere(centreMM: SIMD3(20, 20, 20), radiusMM: 8)
        #expect(SegmentationMetrics.dice(a, a) == 1)
        #expect(SegmentationMetrics.hausdorff95MM(a, a) == 0)
        let empty = MaskVolume(grid: a.grid)
        #expect(SegmentationMetrics.dice(empty, empty) == 1)
        #expect(SegmentationMetrics.dice(a, empty) == 0)
        #expect(SegmentationMetrics.hausdorff95MM(a, empty) == .infinity)
        #expect(SegmentationMetrics.hausdorff95MM(empty, empty) == 0)
    }
}
