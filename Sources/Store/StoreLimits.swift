/// Limits applied to every read, checked from the file's metadata before any voxel array is allocated.
public struct StoreLimits: Sendable, Hashable {
    /// Largest number of elements of one dataset (or one NIfTI image) that a read accepts.
    public var maxVoxels: Int

    /// Limits with at most `maxVoxels` elements per dataset (default 2^30, e.g. 1024×1024×1024).
    public init(maxVoxels: Int = 1 << 30) {
        self.maxVoxels = maxVoxels
    }
}
