import Testing
import Core
import Phantoms
@testable import Segmentation

/// Structure recipes against the thorax phantom's ground truth (96×96×48 voxels: 5.6 mm
/// in-plane, 5.8 mm slices, noise 15 HU), several seeds.
struct StructureAccuracyTests {
    /// Minimum Dice per structure (issue 4: 0.97 body and lungs, 0.90 bones and trachea; the canal
    /// is reached exactly on these seeds, 0.9 leaves room for one slice of sampling difference).
    static let minimumDice: [String: Double] = [
        "body": 0.97, "lung_left": 0.97, "lung_right": 0.97, "trachea": 0.90, "bones": 0.90, "spinal_canal": 0.90,
    ]

    @Test("Dice against the phantom's ground truth", arguments: [UInt64(1), 2, 7])
    func phantomDice(seed: UInt64) throws {
        let phantom = try PhantomFactory.thorax(seed: seed, size: PhantomSize(nx: 96, ny: 96, nz: 48))
        let out = try SegmentationPipeline.run(ct: phantom.ct, request: SegmentationRequest(), slabCount: 3)
        for (name, minimum) in Self.minimumDice {
            let dice = SegmentationMetrics.dice(try #require(out.masks[name]), try #require(phantom.mask(named: name)))
            #expect(dice >= minimum, "seed \(seed) \(name): Dice \(dice) < \(minimum)")
        }
        // The label map paints the more specific structures over the body.
        let lungVoxel = try #require(out.masks["lung_left"]!.voxels.firstIndex(of: 1))
        #expect(out.labels.voxels[lungVoxel] == SegmentationStructure.lungLeft.labelValue)
        #expect(abs(out.volumesCC["body"]! - phantom.structure(named: "body")!.volumeCC) < 0.01 * out.volumesCC["body"]!)
    }

    @Test("a body-only request runs three steps and matches the full pipeline's body")
    func bodyOnly() throws {
        let phantom = try PhantomFactory.thorax(seed: 4, size: .small)
        let body = try SegmentationPipeline.run(ct: phantom.ct, request: SegmentationRequest(structures: [.body]), slabCount: 2)
        let all = try SegmentationPipeline.run(ct: phantom.ct, request: SegmentationRequest(), slabCount: 2)
        #expect(body.masks.keys.sorted() == ["body"])
        #expect(body.masks["body"] == all.masks["body"])
    }

    @Test("one lung component spanning the midline is cut at the junction column")
    func lungSplit() throws {
        // Two 5×6 lung blocks joined by a one-voxel bridge in row 0 at x = 6 (the anterior junction).
        let grid = try Grid(nx: 13, ny: 6, nz: 1, spacingMM: SIMD3(2, 2, 2), originMM: SIMD3(-12, 0, 0))
        var classes = MaskVolume(grid: grid)
        for y in 0..<6 { for x in 0..<13 where x != 6 || y == 0 { classes[x, y, 0] = LungRecipe.spanning } }
        // Split guess 4 mm off the true junction: the cut still lands on the bridge column.
        let lungs = try LungRecipe.masks(classes, splitXMM: 4)
        for y in 0..<6 {
            for x in 0..<13 where classes[x, y, 0] != 0 {
                #expect(lungs.left[x, y, 0] == (x > 6 ? 1 : 0), "(\(x), \(y))")
                #expect(lungs.right[x, y, 0] == (x <= 6 ? 1 : 0), "(\(x), \(y))")
            }
        }
    }
}
