import Core

/// A named region of interest of a case: a uint8 mask on the CT grid (non-zero = inside) and
/// the optional planning metadata stored with it.
public struct Structure: Sendable, Equatable {
    /// Name; also the dataset name under `/structures` (non-empty, no "/", not "." or "..").
    public let name: String
    /// The mask, on the CT grid.
    public let mask: MaskVolume
    /// Role in planning, e.g. "TARGET" or "OAR" (attribute `voi_type`).
    public let voiType: String?
    /// Overlap priority; lower wins where structures overlap (attribute `overlap_priority`).
    public let overlapPriority: Int?
    /// Planning objectives as JSON text (attribute `objectives_json`).
    public let objectivesJSON: String?

    /// A structure; the name is checked when it is put into a ``CaseFile``.
    public init(name: String, mask: MaskVolume, voiType: String? = nil, overlapPriority: Int? = nil, objectivesJSON: String? = nil) {
        self.name = name
        self.mask = mask
        self.voiType = voiType
        self.overlapPriority = overlapPriority
        self.objectivesJSON = objectivesJSON
    }

    /// Number of voxels inside (non-zero).
    public var voxelCount: Int { mask.voxels.reduce(0) { $0 + ($1 != 0 ? 1 : 0) } }
}
