/// Errors raised by the segmentation kernels.
public enum SegmentationError: Error, Equatable, CustomStringConvertible {
    /// A structuring-ball radius is negative or not finite.
    case invalidRadius(Double)
    /// A component count or size limit is negative or not finite.
    case invalidLimit(String)
    /// A mask has more foreground voxels than Int32 labels can number.
    case labelOverflow(foregroundVoxels: Int)
    /// Slab summaries or masks given to the distributed labelling do not fit together.
    case inconsistentSlabs(String)
    /// A label volume holds a label that its relabel table does not cover.
    case labelOutOfRange(label: Int32, tableCount: Int)
    /// A segmentation request is unusable (no structure, value out of range).
    case invalidRequest(String)

    public var description: String {
        switch self {
        case .invalidRadius(let r):
            return "structuring-ball radius must be finite and ≥ 0 mm, got \(r) mm"
        case .invalidLimit(let m):
            return "invalid component limit: \(m)"
        case .labelOverflow(let n):
            return "mask has \(n) foreground voxels, more than Int32 labels (\(Int32.max - 1)) can number"
        case .inconsistentSlabs(let m):
            return "inconsistent slab labelling: \(m)"
        case .labelOutOfRange(let l, let n):
            return "label \(l) is outside the relabel table (\(n) entries, labels 0..<\(n))"
        case .invalidRequest(let m):
            return "invalid segmentation request: \(m)"
        }
    }
}
