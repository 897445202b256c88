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

/// ``SegmentationOutput`` with the masks and the label map kept on the body box (zero outside it), as
/// ``SegmentationPipeline/finishBoxed(state:threads:)`` makes them: what a result writer needs, without the
/// full-grid volumes.
public struct BoxedSegmentationOutput: Sendable, Equatable {
    /// 0/1 masks on the CT grid, zero outside their box, by structure name (requested structures only).
    public var masks: [String: BoxedVolume<UInt8>]
    /// Label map on the CT grid, zero outside its box.
    public var labels: BoxedVolume<UInt8>
    /// Volume of each mask in cm³, by structure name.
    public var volumesCC: [String: Double]

    /// Memberwise initialiser.
    public init(masks: [String: BoxedVolume<UInt8>], labels: BoxedVolume<UInt8>, volumesCC: [String: Double]) {
        self.masks = masks
        self.labels = labels
        self.volumesCC = volumesCC
    }

    /// The full-grid output (each volume placed on up to `threads` threads).
    public func placed(threads: Int = 1) -> SegmentationOutput {
        SegmentationOutput(masks: masks.mapValues { $0.placed(threads: threads) }, labels: labels.placed(threads: threads), volumesCC: volumesCC)
    }
}
