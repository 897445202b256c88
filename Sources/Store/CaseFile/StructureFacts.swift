/// What a job's submit check needs of one structure of a case file: its voxel count on the CT grid (when asked for)
/// and its stored planning objectives (see ``CaseFile/structureFacts(path:countingVoxelsOf:limits:)``).
public struct StructureFacts: Sendable, Equatable {
    /// The dataset's name under `/structures`.
    public let name: String
    /// Non-zero voxels of the mask; nil when its voxels were not counted.
    public let voxelCount: Int?
    /// The `objectives_json` attribute, nil when the structure has none.
    public let objectivesJSON: String?

    /// Memberwise initialiser.
    public init(name: String, voxelCount: Int?, objectivesJSON: String?) {
        self.name = name
        self.voxelCount = voxelCount
        self.objectivesJSON = objectivesJSON
    }
}
