/// An axis-aligned box of voxel indices, bounds included on both sides.
public struct VoxelBox: Sendable, Hashable, Codable {
    /// Smallest (x, y, z) voxel index inside the box.
    public let lower: SIMD3<Int>
    /// Largest (x, y, z) voxel index inside the box (inclusive).
    public let upper: SIMD3<Int>

    /// The box `lower...upper` (inclusive); `lower` must not exceed `upper` on any axis.
    public init(lower: SIMD3<Int>, upper: SIMD3<Int>) {
        precondition(lower.x <= upper.x && lower.y <= upper.y && lower.z <= upper.z, "empty voxel box \(lower)...\(upper)")
        self.lower = lower
        self.upper = upper
    }

    /// Number of voxels along x, y, z.
    public var size: SIMD3<Int> { upper &- lower &+ 1 }
}
