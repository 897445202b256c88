import Testing
import Core
@testable import Segmentation

/// `finish` / `finishBoxed` against a brute-force placement of the state's masks: random small volumes, random
/// body boxes (and none: no body selected, or a box that spans the slice), random piece splits, missing masks.
@Suite struct FinishBoxedTests {
    /// The full-grid output by brute force: each mask's pieces placed voxel by voxel at the box's offset,
    /// the label map painted in declaration order, volumes from the voxel counts.
    static func bruteForce(_ pipeline: SegmentationPipeline, _ state: SegmentationState, grid: Grid) -> SegmentationOutput {
        let crop = BodyCrop(scalars: state.decisions), work = crop?.grid(grid) ?? grid
        var masks: [String: MaskVolume] = [:], volumes: [String: Double] = [:]
        var labels = MaskVolume(grid: grid)
        for structure in SegmentationStructure.allCases where pipeline.request.wants(structure) {
            var mask = MaskVolume(grid: grid)
            for piece in state.masks[structure.rawValue]?.pieces ?? [] {
                for (i, v) in piece.voxels.enumerated() {
                    mask[i % work.nx + (crop?.lowerX ?? 0), i / work.nx % work.ny + (crop?.lowerY ?? 0), piece.first + i / work.sliceCount] = v
                }
            }
            var n = 0
            for z in 0..<grid.nz { for y in 0..<grid.ny { for x in 0..<grid.nx where mask[x, y, z] != 0 {
                labels[x, y, z] = structure.labelValue
                n += 1
            } } }
            masks[structure.rawValue] = mask
            volumes[structure.rawValue] = Double(n) * grid.voxelVolumeCC
        }
        return SegmentationOutput(masks: masks, labels: labels, volumesCC: volumes)
    }

    @Test("boxed output placed equals the brute-force full-grid output, for any threads")
    func boxedEqualsBruteForce() throws {
        var rng = RandomStream(seed: 29)
        let grid = try Grid(nx: 11, ny: 9, nz: 7, spacingMM: SIMD3(1.5, 1.5, 2.5))
        // Boxes: none (no body selected), one spanning the slice (no crop either), and inner boxes.
        let boxes: [(SIMD2<Int>, SIMD2<Int>)?] = [nil, (SIMD2(0, 0), SIMD2(10, 8)), (SIMD2(2, 1), SIMD2(8, 7)), (SIMD2(5, 4), SIMD2(5, 4)), (SIMD2(0, 3), SIMD2(10, 3))]
        for (n, box) in boxes.enumerated() {
            let structures = n == 3 ? [SegmentationStructure.body, .trachea] : SegmentationStructure.allCases
            let pipeline = try SegmentationPipeline(request: SegmentationRequest(structures: structures), grid: grid)
            var state = SegmentationState()
            if let (lo, hi) = box {
                state.decisions = [BodyCrop.lowerXName: Double(lo.x), BodyCrop.lowerYName: Double(lo.y), BodyCrop.upperXName: Double(hi.x),
                                   BodyCrop.upperYName: Double(hi.y), BodyCrop.sliceNXName: Double(grid.nx), BodyCrop.sliceNYName: Double(grid.ny)]
            }
            let crop = BodyCrop(scalars: state.decisions)
            #expect((crop == nil) == (n < 2), "box \(n)")
            let work = crop?.grid(grid) ?? grid
            let columns = crop?.columns ?? 0..<grid.nx, rows = crop?.rows ?? 0..<grid.ny
            for (k, structure) in structures.enumerated() where k % 4 != 3 {   // every fourth mask missing (all zero)
                let cuts = [[0, 7], [0, 3, 7], [0, 1, 2, 6, 7]][k % 3]
                let density = [0.0, 0.2, 0.9][(k + n) % 3]
                let pieces = zip(cuts, cuts.dropFirst()).map { a, b in
                    let voxels = (0..<(work.sliceCount * (b - a))).map { _ in UInt8(rng.uniform() < density ? 1 : 0) }
                    return BoxedVolume<UInt8>.Piece(first: a, voxels: voxels)
                }
                state.masks[structure.rawValue] = try BoxedVolume(grid: grid, columns: columns, rows: rows, pieces: pieces)
            }
            let expected = Self.bruteForce(pipeline, state, grid: grid)
            for threads in [1, 2, 3, 16] {
                let boxed = pipeline.finishBoxed(state: state, threads: threads)
                #expect(boxed.placed(threads: threads) == expected, "box \(n), \(threads) threads")
                #expect(pipeline.finish(state: state, threads: threads) == expected, "box \(n), \(threads) threads: finish")
                #expect(boxed.masks.values.allSatisfy { $0.columns == columns && $0.rows == rows } && boxed.labels.columns == columns,
                        "box \(n): the masks stay on the body box")
                #expect(Set(boxed.masks.keys) == Set(structures.map(\.rawValue)))
            }
        }
    }
}
