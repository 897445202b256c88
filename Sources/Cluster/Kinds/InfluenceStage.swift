import Dose
import Planning

/// The influence stage of a `dose` or `plan` job. Monte Carlo: one phase of beamlet-batch tasks (batch size from
/// the beamlet count alone). Pencil beam: a kernel phase (history partitions of the kernel's Monte Carlo run,
/// summed in partition order on the coordinator), then a phase of pencil-beam batches that carry the kernel.
/// Either way the matrix is identical for any number of ranks. A job run hands the current phase's ``tasks``
/// to the coordinator and the phase's results (in task order) back to ``nextStep(after:)``.
final class InfluenceStage {
    /// What the stage asks for next.
    enum Step {
        /// Another phase of tasks.
        case tasks([TaskPayload])
        /// The assembled matrix and the summed energy balance (empty for the pencil beam).
        case matrix(InfluenceMatrix, EnergyBookkeeping)
    }

    private enum Phase {
        case kernel(PencilBeamKernelSimulation)
        case pilot([BeamletBatch], targetVoxels: [Int32])
        case monteCarlo([BeamletBatch])
        case pencilBeam([PencilBeamBatch])
    }

    /// The resolved dose calculation.
    let setup: DoseSetup
    /// The patient and geometry fields of every beamlet batch, encoded and hashed once.
    let shared: SharedBeamletFields
    private var phase: Phase
    /// The kernel, once the kernel phase is done or read from the cache (pencil beam only).
    private(set) var kernel: PencilBeamKernel?
    /// Where kernels are cached, or nil.
    private let kernelCache: KernelCache?
    /// Whether the kernel came from the cache or was stored there (nil: Monte Carlo engine or no cache).
    private(set) var kernelCacheOutcome: KernelCache.Outcome?
    /// Histories of every beamlet of the Monte Carlo matrix (nil: `histories_per_beamlet` each), and the pilot's
    /// target fractions they were spread by.
    private(set) var beamletHistories: [Int]?
    private(set) var targetFractions: [Double]?

    init(setup: DoseSetup, kernelCache: KernelCache? = nil) throws {
        self.setup = setup
        self.kernelCache = kernelCache
        shared = SharedBeamletFields(patient: setup.patient, geometry: setup.geometry)
        if let simulation = setup.kernelSimulation, let cached = kernelCache?.kernel(for: simulation) {
            kernel = cached
            kernelCacheOutcome = .hit
            phase = .pencilBeam(try PencilBeamBatch.batches(of: setup, kernel: cached))
        } else if let simulation = setup.kernelSimulation {
            phase = .kernel(simulation)
        } else if let pilot = setup.targetFractionPilot {
            let s = setup.statistics
            let statistics = BeamletStatistics(seed: s.seed &+ BeamletBatch.pilotSeedOffset, historiesPerBeamlet: pilot.historiesPerBeamlet,
                                               uncertaintyBatches: 2, thresholdRelative: 0, transport: s.transport)
            phase = .pilot(try BeamletBatches.ranges(beamletCount: setup.geometry.beamlets.count).map {
                try BeamletBatch(patient: setup.patient, geometry: setup.geometry, beamletIDs: $0, statistics: statistics)
            }, targetVoxels: pilot.targetVoxels)
        } else {
            phase = .monteCarlo(try BeamletBatch.batches(of: setup))
        }
    }

    /// The name of the current phase: `kernel`, `pilot` or `influence`.
    var phaseName: String {
        switch phase {
        case .kernel: return "kernel"
        case .pilot: return "pilot"
        case .monteCarlo, .pencilBeam: return "influence"
        }
    }

    /// The current phase's task inputs, in order.
    var tasks: [TaskPayload] {
        switch phase {
        case .kernel(let simulation): return (0..<simulation.partitionCount).map { PencilBeamMessages.encode(partition: $0, of: simulation) }
        case .pilot(let batches, let voxels):
            return batches.map {
                var payload = DoseMessages.encode($0, shared: shared)
                payload[PencilBeamMessages.taskField] = .text("pilot")
                payload["target_voxels"] = .int32(voxels)
                return payload
            }
        case .monteCarlo(let batches): return batches.map { DoseMessages.encode($0, shared: shared) }
        case .pencilBeam(let batches): return kernel.map { PencilBeamMessages.encode(batches, shared: shared, kernel: $0) } ?? []
        }
    }

    /// The worker side: a kernel partition's partial table, the columns of a Monte Carlo or pencil-beam batch, or
    /// the partial dose of a forward batch (a plan's correction and final doses, ``PlanFinalDose``).
    static func execute(_ input: TaskPayload) throws -> TaskPayload {
        let task = input[PencilBeamMessages.taskField] == nil ? nil : try input.text(PencilBeamMessages.taskField)
        switch task {
        case nil:
            let batch = try DoseMessages.decodeBatch(input)
            return DoseMessages.encode(try BeamletColumnBlock(columns: WorkerDoseCache.shared.withCalculator(for: batch) {
                try batch.columns(using: &$0)
            }))
        case "pencil_beam": return DoseMessages.encode(try BeamletColumnBlock(columns: PencilBeamMessages.decodeBatch(input).columns()))
        case "forward":
            let (batch, weights) = try DoseMessages.decodeForward(input)
            let cache = WorkerDoseCache.shared
            return DoseMessages.encode(try cache.withScratch { scratch in
                try cache.withCalculator(for: batch) { try batch.partialDose(weights: weights, using: &$0, scratch: &scratch) }
            })
        case "pilot":
            let batch = try DoseMessages.decodeBatch(input), voxels = try input.int32s("target_voxels")
            var result = TaskPayload()
            result["fractions"] = .float64(try WorkerDoseCache.shared.withCalculator(for: batch) {
                try batch.targetFractions(targetVoxels: voxels, using: &$0)
            })
            return result
        case "kernel":
            let (simulation, partition) = try PencilBeamMessages.decodePartition(input)
            var result = TaskPayload()
            result["kernel.partial"] = .float64(try simulation.partialSum(partition: partition))
            return result
        case let other?: throw WireError.malformed("unknown dose task \(other)")
        }
    }

    /// Consumes the current phase's results: the next phase's tasks, or the matrix.
    func nextStep(after results: [TaskPayload]) throws -> Step {
        switch phase {
        case .kernel(let simulation):
            guard results.count == simulation.partitionCount else {
                throw DoseKindError("\(results.count) kernel results for \(simulation.partitionCount) partitions")
            }
            let made = try simulation.kernel(partialSums: results.map { try $0.float64s("kernel.partial") })
            kernel = made
            kernelCacheOutcome = kernelCache?.store(made, for: simulation)
            let batches = try PencilBeamBatch.batches(of: setup, kernel: made)
            phase = .pencilBeam(batches)
            return .tasks(tasks)
        case .pilot(let batches, _):
            guard results.count == batches.count else { throw DoseKindError("\(results.count) pilot results for \(batches.count) batches") }
            let fractions = try zip(batches, results).flatMap { batch, result in
                let values = try result.float64s("fractions")
                guard values.count == batch.beamletIDs.count else { throw DoseKindError("the pilot of beamlets \(batch.beamletIDs) returned \(values.count) fractions") }
                return values
            }
            let s = setup.statistics
            let histories = try BeamletHistoryAllocation.targetFraction(fractions: fractions, meanHistories: s.historiesPerBeamlet,
                                                                        minimumHistories: s.uncertaintyBatches)
            targetFractions = fractions
            beamletHistories = histories
            phase = .monteCarlo(try BeamletBatches.ranges(histories: histories).map {
                try BeamletBatch(patient: setup.patient, geometry: setup.geometry, beamletIDs: $0, statistics: s, beamletHistories: Array(histories[$0]))
            })
            return .tasks(tasks)
        case .monteCarlo(let batches):
            return try assemble(results, ids: batches.map(\.beamletIDs))
        case .pencilBeam(let batches):
            return try assemble(results, ids: batches.map(\.beamletIDs))
        }
    }

    /// The matrix from the batch results (consecutive id ranges in order), checking that each result holds its
    /// batch's beamlets; the results' arrays are concatenated once.
    private func assemble(_ results: [TaskPayload], ids: [Range<Int>]) throws -> Step {
        guard results.count == ids.count else { throw DoseKindError("\(results.count) batch results for \(ids.count) batches") }
        let blocks = try zip(ids, results).map { range, result in
            let block = try DoseMessages.decodeBlock(result)
            guard block.firstBeamletID == range.lowerBound, block.counts.count == range.count else {
                throw DoseKindError("the result of beamlets \(range) holds other beamlets")
            }
            return block
        }
        let matrix = try InfluenceAssembly.matrix(grid: setup.patient.grid, beamletCount: setup.geometry.beamlets.count, blocks: blocks)
        return .matrix(matrix, InfluenceAssembly.bookkeeping(of: blocks))
    }
}
