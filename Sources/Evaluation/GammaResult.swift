import Core

/// Outcome of a gamma comparison.
public struct GammaResult: Sendable, Equatable {
    /// Gamma per reference voxel; −1 where the voxel was not evaluated (below the low-dose threshold, or not covered).
    public let gammaMap: Volume<Float>
    /// Reference voxels evaluated.
    public let evaluatedVoxelCount: Int
    /// Reference voxels above the threshold left out because no search point lies inside the evaluated grid.
    public let uncoveredVoxelCount: Int
    /// Evaluated voxels with γ ≤ 1.
    public let passedVoxelCount: Int
    /// Largest gamma found.
    public let maxGamma: Double
    /// Mean gamma over the evaluated voxels.
    public let meanGamma: Double

    /// Percentage of evaluated voxels with γ ≤ 1; nil when none was evaluated (a rate of nothing is undefined).
    public var passRatePct: Double? {
        evaluatedVoxelCount == 0 ? nil : 100 * Double(passedVoxelCount) / Double(evaluatedVoxelCount)
    }
}
