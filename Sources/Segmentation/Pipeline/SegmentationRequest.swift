/// What a segmentation job asks for: the structures and the thresholds and radii of the recipes.
///
/// Built by the caller (the Cluster adapter maps the Jobs module's `SegmentationSpec` onto it);
/// every field is a plain value. Defaults suit clinical CT and the thorax phantom.
public struct SegmentationRequest: Sendable, Equatable, Hashable, Codable {
    /// Structures to produce (order irrelevant, duplicates ignored).
    public var structures: [SegmentationStructure]
    /// HU at or above which a voxel can be body (default −350).
    public var bodyThresholdHU: Double
    /// HU at or below which a voxel inside the body can be lung (default −500).
    public var lungThresholdHU: Double
    /// HU at or above which a voxel can be bone marrow or cortex (default 250); within the join
    /// distance of cortical bone the recipe accepts from min(this, 120 HU) (fatty or coarse-sampled marrow).
    public var boneThresholdHU: Double
    /// HU at or above which a voxel is cortical bone; bone components need such voxels (default 600).
    public var corticalThresholdHU: Double
    /// HU at or below which a voxel is pure air (airway lumen, bowel gas; default −950).
    public var airThresholdHU: Double
    /// Radius of the opening that cuts couch, thin pads and their links from the body (default 6 mm).
    public var bodyOpeningRadiusMM: Double
    /// Components kept in the body: at least this fraction of the largest component (default 0.01).
    public var bodyMinimumFraction: Double
    /// Smallest lung component in cm³ (default 100; bowel gas pockets are smaller or pure air).
    public var lungMinimumCC: Double

    /// A request with the default thresholds and radii.
    public init(structures: [SegmentationStructure] = SegmentationStructure.allCases,
                bodyThresholdHU: Double = -350, lungThresholdHU: Double = -500, boneThresholdHU: Double = 250,
                corticalThresholdHU: Double = 600, airThresholdHU: Double = -950,
                bodyOpeningRadiusMM: Double = 6, bodyMinimumFraction: Double = 0.01, lungMinimumCC: Double = 100) {
        self.structures = structures
        self.bodyThresholdHU = bodyThresholdHU
        self.lungThresholdHU = lungThresholdHU
        self.boneThresholdHU = boneThresholdHU
        self.corticalThresholdHU = corticalThresholdHU
        self.airThresholdHU = airThresholdHU
        self.bodyOpeningRadiusMM = bodyOpeningRadiusMM
        self.bodyMinimumFraction = bodyMinimumFraction
        self.lungMinimumCC = lungMinimumCC
    }

    /// True when `structure` is requested.
    public func wants(_ structure: SegmentationStructure) -> Bool { structures.contains(structure) }

    /// The numeric fields by name, as a local step receives them in ``SlabStepInput/scalars``.
    public var scalars: [String: Double] {
        ["bodyThresholdHU": bodyThresholdHU, "lungThresholdHU": lungThresholdHU, "boneThresholdHU": boneThresholdHU,
         "corticalThresholdHU": corticalThresholdHU, "airThresholdHU": airThresholdHU,
         "bodyOpeningRadiusMM": bodyOpeningRadiusMM, "bodyMinimumFraction": bodyMinimumFraction,
         "lungMinimumCC": lungMinimumCC]
    }

    /// The request with the numeric fields taken from `scalars` (missing names keep their defaults).
    public init(structures: [SegmentationStructure], scalars: [String: Double]) {
        let d = SegmentationRequest()
        self.init(structures: structures,
                  bodyThresholdHU: scalars["bodyThresholdHU"] ?? d.bodyThresholdHU,
                  lungThresholdHU: scalars["lungThresholdHU"] ?? d.lungThresholdHU,
                  boneThresholdHU: scalars["boneThresholdHU"] ?? d.boneThresholdHU,
                  corticalThresholdHU: scalars["corticalThresholdHU"] ?? d.corticalThresholdHU,
                  airThresholdHU: scalars["airThresholdHU"] ?? d.airThresholdHU,
                  bodyOpeningRadiusMM: scalars["bodyOpeningRadiusMM"] ?? d.bodyOpeningRadiusMM,
                  bodyMinimumFraction: scalars["bodyMinimumFraction"] ?? d.bodyMinimumFraction,
                  lungMinimumCC: scalars["lungMinimumCC"] ?? d.lungMinimumCC)
    }
}
