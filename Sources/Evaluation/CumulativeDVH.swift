/// A cumulative dose-volume histogram: `volumePct[i]` % of the structure receives at least `doseGy[i]`.
public struct CumulativeDVH: Sendable, Equatable {
    /// Structure name.
    public let structure: String
    /// Dose bin edges in Gy, increasing from 0.
    public let doseGy: [Double]
    /// Percentage of the structure's voxels with dose ≥ the edge; non-increasing, 100 at 0 Gy.
    public let volumePct: [Double]
}
