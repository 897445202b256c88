import Core
import Jobs
import Planning
import Store

/// The `dose` job kind: the Monte Carlo-lite influence matrix of a beam set in one phase of beamlet-batch
/// tasks, then the forward dose of unit weights. The result holds `/dose/total`, `/dose/uncertainty`,
/// `/influence` (when the spec asks), `/plan/beams`, `/plan/beamlets`, `/plan/weights` and the attributes `isocentre_mm`,
/// `beamlet_count`, `histories_per_beamlet`, `nonzeros` (see the planning contract).
public struct DoseKind: JobKindPlugin {
    public let name = "dose"

    public init() {}

    public func start(_ job: JobContext) throws -> any JobRun {
        let spec = try JobSpec.parse(yaml: job.job.spec)
        guard case .dose(let dose) = spec.work else {
            throw DoseKindError("the spec of a dose job describes a \(spec.kind.rawValue) job")
        }
        let caseFile = try CaseFile.read(path: job.caseFilePath)
        let g = caseFile.ct.grid
        try spec.validate(againstCaseSize: SIMD3(g.nx, g.ny, g.nz), ctSpacingMM: g.spacingMM)
        let structures = Dictionary(caseFile.structures.map { ($0.name, $0.mask) }, uniquingKeysWith: { first, _ in first })
        let setup = try DoseSetup(spec: dose, seed: spec.seed, ct: caseFile.ct, structures: structures, checkpoint: job.cancellation.check)
        let stage = try InfluenceStage(setup: setup, kernelCache: job.kernelCacheDirectory.map(KernelCache.init))
        try job.cancellation.check()
        return DoseRun(stage: stage, storeInfluenceMatrix: dose.storeInfluenceMatrix, cancellation: job.cancellation)
    }

    public func execute(phase: Int, input: TaskPayload) throws -> TaskPayload {
        try InfluenceStage.execute(input)
    }
}

/// An input or protocol problem of a dose job.
struct DoseKindError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
