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

    /// Batches of the beamlets `ids` (increasing) with `histories` each: contiguous id runs, a new batch where the ids
    /// jump, where the batch would exceed 1/``targetBatchCount`` of all histories (so batches cost alike under dynamic
    /// dispatch whatever the allocation) or ``maximumBatchSize`` beamlets. Depends on its arguments alone.
    public static func ranges(ids: [Int], histories: [Int]) -> [Range<Int>] {
        precondition(ids.count == histories.count, "\(ids.count) ids, \(histories.count) history counts")
        let target = (histories.reduce(0, +) + targetBatchCount - 1) / targetBatchCount
        var ranges: [Range<Int>] = [], load = 0
        for (id, n) in zip(ids, histories) {
            if let last = ranges.last, last.upperBound == id, last.count < maximumBatchSize, load + n <= target {
                ranges[ranges.count - 1] = last.lowerBound..<(id + 1)
                load += n
            } else {
                ranges.append(id..<(id + 1))
                load = n
            }
        }
        return ranges
    }

    /// Throws a ``PlanningError`` unless `ids` are beamlets of `geometry` (the check of every batch's initialiser).
    static func check(_ ids: Range<Int>, in geometry: BeamGeometry) throws {
        guard ids.lowerBound >= 0, ids.upperBound <= geometry.beamlets.count else {
            throw PlanningError("beamlets \(ids) are outside 0..<\(geometry.beamlets.count)")
        }
    }
}
