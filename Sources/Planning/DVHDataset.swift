import Evaluation

/// A structure's cumulative DVH as the result file stores it under `/dvh/<structure>`: a float64
/// array of shape (bins, 2), row-major, columns dose_gy and volume_pct (100 at 0 Gy).
public struct DVHDataset: Sendable, Equatable {
    /// Structure name (the dataset name).
    public let structure: String
    /// Number of rows (dose bins).
    public let binCount: Int
    /// Row-major values: dose_gy, volume_pct, dose_gy, volume_pct, …
    public let values: [Double]

    /// The table of `dvh`.
    public init(_ dvh: CumulativeDVH) {
        structure = dvh.structure
        binCount = dvh.doseGy.count
        values = zip(dvh.doseGy, dvh.volumePct).flatMap { [$0, $1] }
    }

    /// Array shape (bins, 2).
    public var shape: [Int] { [binCount, 2] }
}
