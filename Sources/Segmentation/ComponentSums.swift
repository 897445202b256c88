/// Running per-component sums in plain arrays (entry `l - 1` belongs to label `l`).
///
/// These are the partial statistics a slab sends to the merge step: voxel counts, sums of the
/// voxel indices (for the centroid) and bounding boxes, all in **global** voxel indices. Integer
/// sums make the merge exact, so a distributed run reproduces a single-volume run bit for bit.
public struct ComponentSums: Sendable, Hashable, Codable {
    /// Voxel count of each component.
    public private(set) var voxelCounts: [Int64]
    /// Σx, Σy, Σz of the voxel indices of each component (three entries per component).
    public private(set) var indexSums: [Int64]
    /// minX, minY, minZ, maxX, maxY, maxZ of each component (six entries per component).
    public private(set) var boundingBoxes: [Int32]

    /// Number of components described.
    public var componentCount: Int { voxelCounts.count }

    /// Sums for `componentCount` empty components (counts 0, inverted boxes).
    init(componentCount: Int) {
        voxelCounts = [Int64](repeating: 0, count: componentCount)
        indexSums = [Int64](repeating: 0, count: 3 * componentCount)
        var box: [Int32] = []
        box.reserveCapacity(6 * componentCount)
        for _ in 0..<componentCount { box += [.max, .max, .max, .min, .min, .min] }
        boundingBoxes = box
    }

    /// Sums from arrays received from elsewhere; the array lengths must be n, 3n and 6n.
    public init(voxelCounts: [Int64], indexSums: [Int64], boundingBoxes: [Int32]) throws {
        let n = voxelCounts.count
        guard indexSums.count == 3 * n, boundingBoxes.count == 6 * n else {
            throw SegmentationError.inconsistentSlabs("component sums for \(n) components need \(3 * n) index sums and \(6 * n) box bounds, got \(indexSums.count) and \(boundingBoxes.count)")
        }
        self.voxelCounts = voxelCounts
        self.indexSums = indexSums
        self.boundingBoxes = boundingBoxes
    }

    /// Adds the sums of component `source` of `other` into component `target` (0-based indices).
    mutating func accumulate(_ target: Int, from other: ComponentSums, _ source: Int) {
        voxelCounts[target] += other.voxelCounts[source]
        for a in 0..<3 { indexSums[3 * target + a] += other.indexSums[3 * source + a] }
        for a in 0..<3 {
            boundingBoxes[6 * target + a] = min(boundingBoxes[6 * target + a], other.boundingBoxes[6 * source + a])
            boundingBoxes[6 * target + 3 + a] = max(boundingBoxes[6 * target + 3 + a], other.boundingBoxes[6 * source + 3 + a])
        }
    }

    /// Mutable access to the three arrays for the labelling kernel.
    mutating func withUnsafeMutablePointers<R>(
        _ body: (UnsafeMutablePointer<Int64>, UnsafeMutablePointer<Int64>, UnsafeMutablePointer<Int32>) -> R
    ) -> R {
        voxelCounts.withUnsafeMutableBufferPointer { c in
            indexSums.withUnsafeMutableBufferPointer { s in
                boundingBoxes.withUnsafeMutableBufferPointer { b in
                    body(c.baseAddress!, s.baseAddress!, b.baseAddress!)
                }
            }
        }
    }
}
