import Core

/// A named ground-truth structure of a phantom: a binary mask (0 outside, 1 inside) on the CT grid.
public struct Structure: Sendable, Equatable {
    /// Structure name, e.g. `body`, `lung_left`, `ptv`.
    public let name: String
    /// Binary mask on the phantom's CT grid.
    public let mask: MaskVolume

    /// Creates a structure from a name and a mask.
    public init(name: String, mask: MaskVolume) {
        self.name = name
        self.mask = mask
    }

    /// Number of voxels set to a nonzero value.
    public var voxelCount: Int { mask.voxels.reduce(0) { $0 + ($1 != 0 ? 1 : 0) } }

    /// Volume in cm³: voxel count × voxel volume.
    public var volumeCC: Double { Double(voxelCount) * mask.grid.voxelVolumeCC }
}
