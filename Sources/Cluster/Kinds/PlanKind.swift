import Core
import Jobs
import Planning
import Store

/// The `plan` job kind: [segmentation] → [pencil-beam kernel] → influence matrix → fluence optimisation (a
/// collective phase of all workers) → [Monte Carlo correction dose → re-optimisation with the correction] → final dose (recomputed with more histories when the spec asks) →
/// normalisation and evaluation on the coordinator.
///
/// The result holds what a dose result holds (`/dose/total`, `/dose/uncertainty`, `/plan/beams`, `/plan/beamlets`, `/plan/weights`,
/// all normalised) plus `/dvh/<structure>`, the `metrics_json` attribute, `/segmentation/*` when segmentation
/// ran, `normalisation_factor`, `stage_seconds_<stage>` and `timings_phase_names` (see Protocol.md and the
/// planning contract).
public struct PlanKind: JobKindPlugin {
    public let name = "plan"

    public init() {}

    public func start(_ job: JobContext) throws -> any JobRun {
        let spec = try JobSpec.parse(yaml: job.job.spec)
        guard case .plan(let plan) = spec.work else {
            throw PlanKindError("the spec of a plan job describes a \(spec.kind.rawValue) job")
        }
        let caseFile = try CaseFile.read(path: job.caseFilePath)
        try job.cancellation.check()
        try spec.validate(againstCaseStructures: caseFile.structures.map(\.name))
        let g = caseFile.ct.grid
        try spec.validate(againstCaseSize: SIMD3(g.nx, g.ny, g.nz), ctSpacingMM: g.spacingMM)
        return try PlanRun(spec: plan, seed: spec.seed, caseFile: caseFile, kernelCache: job.kernelCacheDirectory.map(KernelCache.init),
                           cancellation: job.cancellation)
    }

    public func execute(phase: Int, input: TaskPayload) throws -> TaskPayload {
        switch try PlanStage.of(input) {
        case .segmentation: return try SegmentKind().execute(phase: phase, input: input)
        case .kernel, .pilot, .influence, .correctionDose, .finalDose: return try InfluenceStage.execute(input)
        case .optimisation, .reoptimisation: throw PlanKindError("the optimisation stages are collective phases")
        case .evaluation: throw PlanKindError("the evaluation stage runs on the coordinator and has no tasks")
        }
    }

    public func executeCollective(phase: Int, input: TaskPayload, group: any WorkerGroup) throws -> TaskPayload {
        guard [.optimisation, .reoptimisation].contains(try PlanStage.of(input)) else {
            throw PlanKindError("only the optimisation stages of a plan are collective")
        }
        return try PlanCollectiveOptimisation.execute(input, group: group)
    }
}
