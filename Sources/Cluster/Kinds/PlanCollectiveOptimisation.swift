import Foundation
import Optimization
import Planning

/// A member's part of a plan's collective optimisation: every member runs the same projected L-BFGS on the
/// same summed cost and gradient, so all follow identical iterates without exchanging weights.
///
/// First the members turn their column shares into the rows of their own z-blocks with one all-to-all
/// (``PlanOptimisationMessages/MemberTask/fluenceBlocks(group:)``). Per evaluation each member computes the dose
/// of its z-blocks and their partial cost and gradient, writes them into the slots of its blocks in a
/// blockCount × (beamlets + 1) buffer (zeros elsewhere), and one
/// `allreduceSum` fills every slot; since each slot has exactly one non-zero contributor the sum is exact, and
/// every member then adds the slots in block order. Global statistics of mean-dose, EUD and DVH terms take the
/// same path with blockCount × (statistics length) buffers. Cost and gradient are therefore bitwise the same for
/// any number of members, and so are the iterates and the weights.
enum PlanCollectiveOptimisation {
    /// One OpenBLAS thread per member (members fill the cores), set once per process: in process the members are
    /// threads, and OpenBLAS's setter must not run concurrently with itself or with BLAS calls.
    private static let oneBLASThread: Void = BLASThreads.set(1)

    /// Runs member `group.member`'s task; member 0 returns the optimisation result, the others an empty payload.
    static func execute(_ input: TaskPayload, group: any WorkerGroup) throws -> TaskPayload {
        let task = try PlanOptimisationMessages.decodeMember(input)
        _ = oneBLASThread
        let options = QuasiNewtonOptions(maxIterations: task.optimizer.maxIterations, relativeObjectiveTolerance: task.optimizer.tolerance)
        let start = task.startWeights ?? [Double](repeating: task.startWeight, count: task.beamletCount)
        let blocks = try task.fluenceBlocks(group: group)
        let clock = ContinuousClock()
        let began = clock.now  // the minimisation alone: the all-to-all and row building above are not iterations
        let result = try ProjectedLBFGS(options: options).minimize(start: start) { weights in
            let parts = try FluencePlanBlock.evaluate(blocks, weights: weights) { local in
                try blockOrderSum(local, task: task, group: group)
            }
            let total = try blockOrderSum(parts.map { $0.gradient + [$0.objective] }, task: task, group: group)
            return (total[task.beamletCount], Array(total[..<task.beamletCount]))
        }
        guard group.member == 0 else { return TaskPayload() }
        let elapsed = (clock.now - began).components
        return PlanOptimisationMessages.encode(FluenceOptimisationResult(
            weights: result.weights, iterations: result.iterations, evaluations: result.evaluations, objectiveHistory: result.objectiveHistory,
            stopReason: result.stopReason, seconds: Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18))
    }

    /// The sum over all blocks of all members of equal-length per-block vectors (`local[i]` of block
    /// `task.blockIDs[i]`), added in block order after one `allreduceSum` of the block slots.
    static func blockOrderSum(_ local: [[Double]], task: PlanOptimisationMessages.MemberTask, group: any WorkerGroup) throws -> [Double] {
        let length = local.first?.count ?? 0
        var slots = [Double](repeating: 0, count: task.blockCount * length)
        for (block, values) in zip(task.blockIDs, local) {
            slots.replaceSubrange((block * length)..<((block + 1) * length), with: values)
        }
        try group.allreduceSum(&slots)
        var total = [Double](repeating: 0, count: length)
        slots.withUnsafeBufferPointer { s in
            for block in 0..<task.blockCount {
                let base = block * length
                for i in 0..<length { total[i] += s[base + i] }
            }
        }
        return total
    }
}
