/// What the segmentation stage produces and the thresholds it uses (a `segment` job, or the
/// `segmentation` block of a `plan` job).
public struct SegmentationSpec: Hashable, Sendable {
    /// Structures to produce, in the order given, without duplicates (at least one).
    public var structures: [SegmentedStructure]
    /// HU above which a voxel can be body (default −350, range [−1000, 0]).
    public var bodyThresholdHU: Double
    /// HU below which a voxel inside the body can be lung or airway (default −500, range [−1000, −100]).
    public var lungThresholdHU: Double
    /// HU above which a voxel can be bone (default 250, range [100, 2000]).
    public var boneThresholdHU: Double
    /// Halo added on each side of a z-slab shard so filters see their neighbours (default 10 mm, range [0, 100]).
    public var haloMM: Double

    /// Creates a segmentation request; values are taken as given (ranges are checked by the parser).
    public init(structures: [SegmentedStructure], bodyThresholdHU: Double = -350, lungThresholdHU: Double = -500,
                boneThresholdHU: Double = 250, haloMM: Double = 10) {
        self.structures = structures
        self.bodyThresholdHU = bodyThresholdHU
        self.lungThresholdHU = lungThresholdHU
        self.boneThresholdHU = boneThresholdHU
        self.haloMM = haloMM
    }
}
