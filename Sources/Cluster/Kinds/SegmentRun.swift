import Core
import Foundation
import Logging
import Segmentation
import Store

/// The coordinator side of a `segment` job: the pipeline state between steps.
final class SegmentRun: JobRun {
    private let pipeline: SegmentationPipeline
    private var state: SegmentationState
    private let haloMM: Double
    /// Slabs of every local step (``SegmentKind/slabCount(nz:halo:)``).
    private let slabCount: Int
    /// Work per slice for balanced slab splits (``SegmentationPipeline/sliceWork(_:)``): from the CT once, or,
    /// when the workers read the CT, from their first step's outputs (nil until then).
    private var sliceWork: [Int64]?
    /// The case file the workers read their CT slices from (nil: the slab tasks carry the CT).
    private let casePath: String?
    private var stepIndex = 0
    private var current: (step: LocalStepID, slabCount: Int)?
    /// Checked before every global step and before `finish` (the coordinator's own work between phases).
    private let cancellation: JobCancellation

    /// A run whose slab tasks carry their CT slices (cut from `ct` here).
    init(ct: CTVolume, request: SegmentationRequest, haloMM: Double, cancellation: JobCancellation = .never) throws {
        self.cancellation = cancellation
        pipeline = try SegmentationPipeline(request: request, grid: ct.grid)
        state = SegmentationState(ct: ct)
        self.haloMM = haloMM
        slabCount = SegmentKind.slabCount(pipeline: pipeline, haloMM: haloMM)
        sliceWork = pipeline.sliceWork(ct, threads: Self.threads)
        casePath = nil
    }

    /// A run whose workers read their CT slices from the case file at `casePath` (CT on `grid`): the coordinator
    /// never reads the CT. The first local step is split into slabs of equal slice counts and reports the work
    /// of each slice (``SlabStepInput/reportsSliceWork``); the later steps are balanced on it. The result does
    /// not depend on the split.
    init(casePath: String, grid: Grid, request: SegmentationRequest, haloMM: Double, cancellation: JobCancellation = .never) throws {
        self.cancellation = cancellation
        pipeline = try SegmentationPipeline(request: request, grid: grid)
        state = SegmentationState()
        self.haloMM = haloMM
        slabCount = SegmentKind.slabCount(pipeline: pipeline, haloMM: haloMM)
        sliceWork = nil
        self.casePath = casePath
    }

    func firstStep() throws -> JobStep { try advance() }

    func nextStep(after results: [TaskPayload]) throws -> JobStep {
        guard let current else { throw SegmentKindError("results arrived with no local step running") }
        let start = ContinuousClock.now
        let outputs = try Concurrent.map(results.count, threads: Self.threads) { try SegmentationMessages.decodeOutput(results[$0]) }
        let decoded = ContinuousClock.now
        guard outputs.map(\.step) == Array(repeating: current.step, count: outputs.count) else {
            throw SegmentKindError("a slab result belongs to another step than \(current.step.rawValue)")
        }
        try pipeline.absorb(step: current.step, outputs: outputs, into: &state)
        if sliceWork == nil {
            let reported = outputs.flatMap(\.sliceWork)
            guard reported.count == pipeline.grid.nz, outputs.allSatisfy({ $0.sliceWork.count == $0.core.count }) else {
                throw SegmentKindError("the slabs of step \(current.step.rawValue) reported the work of \(reported.count) of \(pipeline.grid.nz) slices")
            }
            sliceWork = reported
        }
        self.current = nil
        let absorbed = ContinuousClock.now
        let next = try advance()
        let seconds = { (a: ContinuousClock.Instant, b: ContinuousClock.Instant) in String(format: "%.3f", (b - a).seconds) }
        let message = "segment \(current.step.rawValue) results: decoded in \(seconds(start, decoded)) s, absorbed in \(seconds(decoded, absorbed)) s; "
            + "global steps and next inputs (or finish) in \(seconds(absorbed, ContinuousClock.now)) s"
        Self.logger.debug("\(message)")
        return next
    }

    private static let logger = Logger(label: "rtcluster.coordinator")

    /// Threads for the coordinator's slab inputs, output decoding and `finish`: the workers wait for them
    /// (between phases and at the end), so their cores are free. At most 4.
    static var threads: Int { max(1, min(4, ProcessInfo.processInfo.activeProcessorCount)) }

    /// Runs global steps until the next local step (its slab tasks) or the end (the result).
    private func advance() throws -> JobStep {
        while stepIndex < pipeline.steps.count {
            try cancellation.check()
            let step = pipeline.steps[stepIndex]
            stepIndex += 1
            switch step {
            case .global(let id):
                try pipeline.runGlobal(step: id, state: &state)
            case .local(let id):
                // Before the work per slice is known (the workers report it): slabs of equal slice counts.
                let weights = sliceWork ?? Array(repeating: 1, count: pipeline.grid.nz)
                let split = try pipeline.decomposition(step: id, parts: slabCount, sliceWork: weights,
                                                       halo: SegmentKind.halo(pipeline: pipeline, step: id, haloMM: haloMM))
                current = (id, split.slabs.count)
                let (pipeline, state, casePath, reports) = (pipeline, state, casePath, sliceWork == nil)
                return .tasks(try Concurrent.map(split.slabs.count, threads: Self.threads) {
                    var input = try pipeline.slabInput(step: id, slab: split.slabs[$0], state: state)
                    input.reportsSliceWork = reports
                    return SegmentationMessages.encode(input, casePath: casePath)
                })
            }
        }
        try cancellation.check()
        // The masks stay on the body box: the result writer reads only the chunks inside it.
        let output = pipeline.finishBoxed(state: state, threads: Self.threads)
        var attributes: [String: AttributeValue] = [:]
        for (name, cc) in output.volumesCC { attributes["volume_cm3_" + name] = .double(cc) }
        let structures = output.masks.keys.sorted()
        let summary = structures.map { String(format: "%@ %.1f cm³", $0, output.volumesCC[$0] ?? 0) }.joined(separator: ", ")
        return .finished(JobOutcome(result: ResultFile(attributes: attributes, boxedSegmentation: output.masks, boxedLabelMap: output.labels),
                                    summary: summary))
    }
}
