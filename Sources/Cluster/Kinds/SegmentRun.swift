import Core
import Segmentation
import Store

/// The coordinator side of a `segment` job: the pipeline state between steps.
final class SegmentRun: JobRun {
    private let pipeline: SegmentationPipeline
    private var state: SegmentationState
    private let haloMM: Double
    /// Slabs of every local step (``SegmentKind/slabCount(nz:halo:)``).
    private let slabCount: Int
    private var stepIndex = 0
    private var current: (step: LocalStepID, slabCount: Int)?

    init(ct: CTVolume, request: SegmentationRequest, haloMM: Double) throws {
        pipeline = try SegmentationPipeline(request: request, grid: ct.grid)
        state = SegmentationState(ct: ct)
        self.haloMM = haloMM
        slabCount = SegmentKind.slabCount(pipeline: pipeline, haloMM: haloMM)
    }

    func firstStep() throws -> JobStep { try advance() }

    func nextStep(after results: [TaskPayload]) throws -> JobStep {
        guard let current else { throw SegmentKindError("results arrived with no local step running") }
        let outputs = try results.map(SegmentationMessages.decodeOutput)
        guard outputs.map(\.step) == Array(repeating: current.step, count: outputs.count) else {
            throw SegmentKindError("a slab result belongs to another step than \(current.step.rawValue)")
        }
        try pipeline.absorb(step: current.step, outputs: outputs, into: &state)
        self.current = nil
        return try advance()
    }

    /// Runs global steps until the next local step (its slab tasks) or the end (the result).
    private func advance() throws -> JobStep {
        while stepIndex < pipeline.steps.count {
            let step = pipeline.steps[stepIndex]
            stepIndex += 1
            switch step {
            case .global(let id):
                try pipeline.runGlobal(step: id, state: &state)
            case .local(let id):
                let split = try SlabDecomposition(nz: pipeline.grid.nz, parts: slabCount,
                                                  halo: SegmentKind.halo(pipeline: pipeline, step: id, haloMM: haloMM))
                current = (id, split.slabs.count)
                return .tasks(try split.slabs.map { SegmentationMessages.encode(try pipeline.slabInput(step: id, slab: $0, state: state)) })
            }
        }
        let output = pipeline.finish(state: state)
        var attributes: [String: AttributeValue] = [:]
        for (name, cc) in output.volumesCC { attributes["volume_cm3_" + name] = .double(cc) }
        let structures = output.masks.keys.sorted()
        let summary = structures.map { String(format: "%@ %.1f cm³", $0, output.volumesCC[$0] ?? 0) }.joined(separator: ", ")
        return .finished(JobOutcome(result: ResultFile(segmentation: output.masks, labelMap: output.labels, attributes: attributes),
                                    summary: summary))
    }
}
