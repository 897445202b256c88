/// What one z-slab contributes to a distributed labelling, as plain arrays.
///
/// A slab labels its core slices alone (``DistributedLabelling/labelSlab(_:slab:connectivity:)``),
/// with local labels 1…n in local raster order. The merge step needs only this summary: the local
/// labels of the first and last core slices (to find components touching across slab boundaries)
/// and the per-label partial sums in global voxel indices. All fields are integers or integer
/// arrays, so a message layer can move them without knowing the type.
public struct SlabLabelSummary: Sendable, Hashable, Codable {
    /// Voxels per row and rows per slice (must match the full grid).
    public let nx: Int, ny: Int
    /// Global index of the slab's first core slice.
    public let firstCoreSlice: Int
    /// Number of core slices (≥ 1).
    public let coreSliceCount: Int
    /// Local labels of the first core slice (`nx·ny` values, row-major y then x).
    public let firstSliceLabels: [Int32]
    /// Local labels of the last core slice (`nx·ny` values; equal to the first for a one-slice slab).
    public let lastSliceLabels: [Int32]
    /// Partial statistics of the local labels (entry `l - 1` for local label `l`).
    public let sums: ComponentSums

    /// A summary from received values; checks array sizes and label ranges.
    public init(nx: Int, ny: Int, firstCoreSlice: Int, coreSliceCount: Int,
                firstSliceLabels: [Int32], lastSliceLabels: [Int32], sums: ComponentSums) throws {
        guard nx > 0, ny > 0, firstCoreSlice >= 0, coreSliceCount > 0 else {
            throw SegmentationError.inconsistentSlabs("slab at slice \(firstCoreSlice) has invalid shape \(nx)×\(ny)×\(coreSliceCount)")
        }
        for (name, slice) in [("first", firstSliceLabels), ("last", lastSliceLabels)] {
            guard slice.count == nx * ny else {
                throw SegmentationError.inconsistentSlabs("slab at slice \(firstCoreSlice): \(name) slice has \(slice.count) labels, expected \(nx * ny)")
            }
            if let bad = slice.first(where: { $0 < 0 || Int($0) > sums.componentCount }) {
                throw SegmentationError.inconsistentSlabs("slab at slice \(firstCoreSlice): \(name) slice holds label \(bad), slab has \(sums.componentCount) labels")
            }
        }
        self.nx = nx; self.ny = ny
        self.firstCoreSlice = firstCoreSlice
        self.coreSliceCount = coreSliceCount
        self.firstSliceLabels = firstSliceLabels
        self.lastSliceLabels = lastSliceLabels
        self.sums = sums
    }
}
