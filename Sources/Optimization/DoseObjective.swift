/// One weighted term of the cost function: `penalty × f(dose of voxels)`, with `voxels` the local row
/// indices (in the ``InfluenceMatrix`` block) of the structure's voxels after overlap resolution.
public struct DoseObjective: Sendable, Equatable {
    /// The objective function and its reference dose (and volume or exponent).
    public var function: ObjectiveFunction
    /// Weight of the term (> 0).
    public var penalty: Double
    /// Rows of the local block that belong to the structure (may be empty on a rank).
    public var voxels: [Int32]
    /// Voxels of the structure over all ranks (n in the 1/n of the objectives), after overlap resolution.
    public var structureVoxelCount: Int

    /// Creates a term; `structureVoxelCount` defaults to `voxels.count` (the whole structure is in this
    /// block). ``FluencePlanBlock`` validates parameters and indices.
    public init(function: ObjectiveFunction, penalty: Double, voxels: [Int32], structureVoxelCount: Int? = nil) {
        self.function = function
        self.penalty = penalty
        self.voxels = voxels
        self.structureVoxelCount = structureVoxelCount ?? voxels.count
    }
}
