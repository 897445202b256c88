import Core

/// A structure of the case as planning receives it: a mask on the CT grid with the planning
/// metadata stored with it in the case file (or a mask produced by the job's segmentation, which
/// carries none). `Cluster` fills it from `Store.Structure`; Planning never reads files.
public struct ContouredStructure: Sendable, Equatable {
    /// Structure name as in the case file, e.g. `OuterTarget`.
    public var name: String
    /// Mask on the CT grid (non-zero = inside).
    public var mask: MaskVolume
    /// Overlap priority, lower wins; nil when the case does not say (ranked after every numbered structure).
    public var overlapPriority: Int?
    /// The case's own objectives for this structure (`objectives_json`), if any.
    public var objectivesJSON: String?

    /// Creates a structure.
    public init(name: String, mask: MaskVolume, overlapPriority: Int? = nil, objectivesJSON: String? = nil) {
        self.name = name
        self.mask = mask
        self.overlapPriority = overlapPriority
        self.objectivesJSON = objectivesJSON
    }
}
