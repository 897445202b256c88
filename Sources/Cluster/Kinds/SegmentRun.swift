import Core
import Foundation
import Segmentation
import Store

/// The coordinator side of a `segment` job: the pipeline state between steps.
final class SegmentRun: JobRun {
    private let pipeline: SegmentationPipeline
    private var state: SegmentationState
    private let haloMM: Double
    /// Slabs of every local step (``SegmentKind/slabCount(nz:halo:)``).
    private let slabCount: Int
    /// Work per slice for balanced slab splits (``SegmentationPipeline/sliceWork(_:)``), from the CT once.
    private let sliceWork: [Int64]
    private var stepIndex = 0
    private var current: (step: LocalStepID, slabCount: Int)?

    init(ct: CTVolume, request: SegmentationRequest, haloMM: Double) throws {
        pipeline = try SegmentationPipeline(request: request, grid: ct.grid)
        state = SegmentationState(ct: ct)
        self.haloMM = haloMM
        slabCount = SegmentKind.slabCount(pipeline: pipeline, haloMM: haloMM)
        sliceWork = pipeline.sliceWork(ct, threads: Self.threads)
    }

    func firstStep() throws -> JobStep { try advance() }

    func nextStep(after results: [TaskPayload]) throws -> JobStep {
        guard let current else { throw SegmentKindError("results arrived with no local step running") }
        let outputs = try Concurrent.map(results.count, threads: Self.threads) { try SegmentationMessages.decodeOutput(results[$0]) }
        guard outputs.map(\.step) == Array(repeating: current.step, count: outputs.count) else {
            throw SegmentKindError("a slab result belongs to another step than \(current.step.rawValue)")
        }
        try pipeline.absorb(step: current.step, outputs: outputs, into: &state)
        self.current = nil
        return try advance()
    }

    /// Threads for the coordinator's slab inputs, output decoding and `finish`: the workers wait for them
    /// (between phases and at the end), so their cores are free. At most 4.
    static var threads: Int { max(1, min(4, ProcessInfo.processInfo.activeProcessorCount)) }

    /// Runs global steps until the next local step (its slab tasks) or the end (the result).
    private func advance() throws -> JobStep {
        while stepIndex < pipeline.steps.count {
            let step = pipeline.steps[stepIndex]
            stepIndex += 1
            switch step {
            case .global(let id):
                try pipeline.runGlobal(step: id, state: &state)
            case .local(let id):
                let split = try pipeline.decomposition(step: id, parts: slabCount, sliceWork: sliceWork,
                                                       halo: SegmentKind.halo(pipeline: pipeline, step: id, haloMM: haloMM))
                current = (id, split.slabs.count)
                let (pipeline, state) = (pipeline, state)
                return .tasks(try Concurrent.map(split.slabs.count, threads: Self.threads) {
                    SegmentationMessages.encode(try pipeline.slabInput(step: id, slab: split.slabs[$0], state: state))
                })
            }
        }
        let output = pipeline.finish(state: state, threads: Self.threads)
        var attributes: [String: AttributeValue] = [:]
        for (name, cc) in output.volumesCC { attributes["volume_cm3_" + name] = .double(cc) }
        let structures = output.masks.keys.sorted()
        let summary = structures.map { String(format: "%@ %.1f cm³", $0, output.volumesCC[$0] ?? 0) }.joined(separator: ", ")
        return .finished(JobOutcome(result: ResultFile(segmentation: output.masks, labelMap: output.labels, attributes: attributes),
                                    summary: summary))
    }
}
