import Core
@testable import Segmentation
import Testing

/// The square-pixel ball kernel (``BallKernel``, used by ``Morphology`` inside the foreground's box)
/// against the brute-force ball and against the distance-transform path it replaces.
@Suite struct BallKernelTests {
    /// Square-pixel spacings, including ones with centres exactly on the sphere (1 mm, r = 5 mm).
    static let spacings: [SIMD3<Double>] = [SIMD3(1, 1, 1), SIMD3(0.9765625, 0.9765625, 2), SIMD3(1.3, 1.3, 0.8), SIMD3(2.5, 2.5, 3)]

    @Test(arguments: spacings)
    func dilateAndErodeMatchBruteForce(spacing: SIMD3<Double>) throws {
        let g = Synthetic.grid(23, 19, 17, spacingMM: spacing)
        // Blobs inside, blobs cut by the border, sparse noise, and a full volume.
        let masks = [Synthetic.blobMask(g, count: 7, seed: 21), Synthetic.randomMask(g, density: 0.7, seed: 22),
                     Synthetic.randomMask(g, density: 0.03, seed: 23), MaskVolume(grid: g, repeating: 1), MaskVolume(grid: g)]
        for r in [0.5, 1, 2, 3.9, 5, 6.5] {
            let ball = try StructuringBall(radiusMM: r, spacingMM: spacing)
            #expect(BallKernel.Plan(ball) != nil)
            for mask in masks {
                let dilated = try Morphology.dilate(mask, radiusMM: r), eroded = try Morphology.erode(mask, radiusMM: r)
                #expect(dilated == ReferenceMorphology.dilate(mask, ball), "dilate r = \(r) mm, spacing \(spacing)")
                #expect(eroded == ReferenceMorphology.erode(mask, ball), "erode r = \(r) mm, spacing \(spacing)")
            }
        }
    }

    @Test func equalsTheDistanceTransformPathOnALargerVolume() throws {
        let spacing = SIMD3(0.9765625, 0.9765625, 2.5)
        let g = Synthetic.grid(70, 64, 24, spacingMM: spacing)
        let mask = Synthetic.blobMask(g, count: 25, seed: 31)
        for r in [2.0, 4.0, 6.0, 11.0] {
            let ball = try StructuringBall(radiusMM: r, spacingMM: spacing)
            var distance = Volume<Double>(grid: g)
            DistanceTransform.squaredDistances(to: mask, selectingNonZero: true, into: &distance)
            let viaDistance = try MaskVolume(grid: g, voxels: distance.voxels.map { $0 <= ball.limitMM2 ? 1 : 0 })
            #expect(try Morphology.dilate(mask, radiusMM: r) == viaDistance, "r = \(r) mm")
        }
    }

    @Test func planNeedsSquarePixels() throws {
        #expect(BallKernel.Plan(try StructuringBall(radiusMM: 3, spacingMM: SIMD3(0.7, 1.3, 2))) == nil)
        let plan = try #require(BallKernel.Plan(try StructuringBall(radiusMM: 5, spacingMM: SIMD3(1, 1, 2.5))))
        // r = 5 mm, 1 mm pixels, 2.5 mm slices: T(dz) = 25, 18 (25 − 6.25), 0 (25 − 25, on the sphere).
        #expect(plan.reach == 5 && plan.reachZ == 2)
        #expect(plan.inPlaneLimit == [0, 18, 25, 18, 0])
    }

    @Test func foregroundBoxIsTheTightBox() throws {
        let g = Synthetic.grid(21, 9, 6)
        var mask = MaskVolume(grid: g)
        #expect(mask.withUnsafeBufferPointer { ForegroundBox.of($0.baseAddress!, nx: 21, ny: 9, nz: 6) } == nil)
        mask[17, 2, 1] = 1; mask[3, 7, 4] = 1; mask[9, 4, 4] = 1
        let box = try #require(mask.withUnsafeBufferPointer { ForegroundBox.of($0.baseAddress!, nx: 21, ny: 9, nz: 6) })
        #expect(box == VoxelBox(lower: SIMD3(3, 2, 1), upper: SIMD3(17, 7, 4)))
    }
}
