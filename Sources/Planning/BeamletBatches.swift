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

    /// Batches of a recomputation with `histories[id]` histories for beamlet `id` (0: not simulated, e.g. weight 0):
    /// contiguous id ranges that start and end on simulated beamlets and may span unsimulated ones, cut where the
    /// batch would exceed 1/``targetBatchCount`` of all histories (so batches cost alike under dynamic dispatch
    /// whatever the allocation) or hold ``maximumBatchSize`` simulated beamlets. Every simulated id is in exactly one
    /// range. Depends on its argument alone.
    public static func ranges(histories: [Int]) -> [Range<Int>] {
        let target = (histories.reduce(0, +) + targetBatchCount - 1) / targetBatchCount
        var ranges: [Range<Int>] = [], load = 0, simulated = 0
        for (id, n) in histories.enumerated() where n > 0 {
            if let last = ranges.last, simulated < maximumBatchSize, load + n <= target {
                ranges[ranges.count - 1] = last.lowerBound..<(id + 1)
                load += n
                simulated += 1
            } else {
                ranges.append(id..<(id + 1))
                load = n
                simulated = 1
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
