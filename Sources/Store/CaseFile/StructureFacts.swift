/// What a job's submit check needs of one structure of a case file: its voxel count on the CT grid and its stored
/// planning objectives (see ``CaseFile/structureFacts(path:limits:)``).
public struct StructureFacts: Sendable, Equatable {
    /// The dataset's name under `/structures`.
    public let name: String
    /// Non-zero voxels of the mask.
    public let voxelCount: Int
    /// The `objectives_json` attribute, nil when the structure has none.
    public let objectivesJSON: String?
    /// Patient coordinates (mm) of the lowest and highest voxel centres of the mask's bounding box; nil when empty.
    public let boxMM: (lower: SIMD3<Double>, upper: SIMD3<Double>)?

    /// Memberwise initialiser.
    public init(name: String, voxelCount: Int, objectivesJSON: String?, boxMM: (lower: SIMD3<Double>, upper: SIMD3<Double>)?) {
        self.name = name
        self.voxelCount = voxelCount
        self.objectivesJSON = objectivesJSON
        self.boxMM = boxMM
    }

    public static func == (a: StructureFacts, b: StructureFacts) -> Bool {
        a.name == b.name && a.voxelCount == b.voxelCount && a.objectivesJSON == b.objectivesJSON
            && a.boxMM?.lower == b.boxMM?.lower && a.boxMM?.upper == b.boxMM?.upper
    }
}
