import Dose

/// How a job's beamlets are cut into tasks: contiguous id ranges whose size depends on the beamlet count
/// alone (never on the rank count), so the task list and the result are the same for any number of ranks.
public enum BeamletBatches {
    /// Aimed-at number of batches: enough for dynamic load balancing on tens of ranks.
    public static let targetBatchCount = 64
    /// Most beamlets in one batch (bounds the size of one task's result message).
    public static let maximumBatchSize = 64

    /// Beamlets per batch for `beamletCount` beamlets: ⌈count / 64⌉, between 1 and 64.
    public static func batchSize(beamletCount: Int) -> Int {
        min(max((beamletCount + targetBatchCount - 1) / targetBatchCount, 1), maximumBatchSize)
    }

    /// The batches of `beamletCount` beamlets, in id order: every id in exactly one range.
    public static func ranges(beamletCount: Int) -> [Range<Int>] {
        let size = batchSize(beamletCount: beamletCount)
        return stride(from: 0, to: beamletCount, by: size).map { $0..<min($0 + size, beamletCount) }
    }

    /// Throws a ``PlanningError`` unless `ids` are beamlets of `geometry` (the check of every batch's initialiser).
    static func check(_ ids: Range<Int>, in geometry: BeamGeometry) throws {
        guard ids.lowerBound >= 0, ids.upperBound <= geometry.beamlets.count else {
            throw PlanningError("beamlets \(ids) are outside 0..<\(geometry.beamlets.count)")
        }
    }
}
