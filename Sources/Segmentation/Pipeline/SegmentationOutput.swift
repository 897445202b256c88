import Core

/// The result of a segmentation job: one mask per requested structure, a label map and volumes.
public struct SegmentationOutput: Sendable, Equatable {
    /// 0/1 masks on the CT grid, by structure name (requested structures only).
    public var masks: [String: MaskVolume]
    /// Label map on the CT grid: ``SegmentationStructure/labelValue`` per voxel, 0 elsewhere.
    public var labels: MaskVolume
    /// Volume of each mask in cm³, by structure name.
    public var volumesCC: [String: Double]

    /// Memberwise initialiser.
    public init(masks: [String: MaskVolume], labels: MaskVolume, volumesCC: [String: Double]) {
        self.masks = masks
        self.labels = labels
        self.volumesCC = volumesCC
    }
}
