import Core
import Jobs
import Segmentation
import Store

/// The `segment` job kind: auto-contouring with the Segmentation module's slab pipeline.
///
/// Each local pipeline step is one phase of one task per z-slab (slab count from the grid alone, so results do
/// not depend on the number of ranks); global steps run on the coordinator between phases. The result holds
/// `/segmentation/<structure>`, `/segmentation/labels` and the volumes as `volume_cm3_<structure>` attributes.
public struct SegmentKind: JobKindPlugin {
    public let name = "segment"

    public init() {}

    /// Slabs per local step for a CT of `nz` slices whose local steps read at most `halo` halo slices
    /// per side: the largest power of two (at most 32, cores of at least 8 slices) whose halos add at
    /// most 15 % redundant slices (`2·halo·(count − 1) ≤ 0.15·nz`), and at least 2 when `nz ≥ 2`.
    ///
    /// Why: every slab re-reads (and the coordinator re-encodes) `halo` slices on each inner side, and the
    /// pipeline's result does not depend on the split (``SegmentationPipeline/run(ct:request:slabCount:)``),
    /// so thin slabs only cost. The former one slab per 8 slices gave 20 slabs with ≥ 6 halo slices per side
    /// for a 160-slice CT at 1.75 mm (~2.5× the voxels). A power of two divides evenly over 1, 2, 4, 8
    /// workers (3 slabs on 2 workers would leave one idle for a third of the step); at least 2 slabs keep
    /// two workers busy on a single job. Many jobs in flight use further workers. The count depends only on
    /// the grid and the job spec, never on the number of ranks.
    public static func slabCount(nz: Int, halo: Int) -> Int {
        var count = 1
        while count * 2 <= 32, nz / (count * 2) >= 8, 2 * max(halo, 0) * (count * 2 - 1) * 100 <= 15 * nz { count *= 2 }
        return nz >= 2 ? max(count, 2) : 1
    }

    /// The slab count of every local step of `pipeline` with the spec's minimum halo `haloMM`
    /// (``slabCount(nz:halo:)`` for the largest halo of its local steps).
    static func slabCount(pipeline: SegmentationPipeline, haloMM: Double) -> Int {
        let halos = pipeline.steps.compactMap { step -> Int? in
            guard case .local(let id) = step else { return nil }
            return halo(pipeline: pipeline, step: id, haloMM: haloMM)
        }
        return slabCount(nz: pipeline.grid.nz, halo: halos.max() ?? 0)
    }

    /// Halo slices of local step `step`: the step's own need, at least `haloMM` of the spec.
    static func halo(pipeline: SegmentationPipeline, step: LocalStepID, haloMM: Double) -> Int {
        max(pipeline.haloSlices(forStep: step), Int((haloMM / pipeline.grid.spacingMM.z).rounded(.up)))
    }

    public func start(_ job: JobContext) throws -> any JobRun {
        let spec = try JobSpec.parse(yaml: job.job.spec)
        guard case .segment(let segmentation) = spec.work else {
            throw SegmentKindError("the spec of a segment job describes a \(spec.kind.rawValue) job")
        }
        // Only the CT (a case's structures, ground truth or planning contours, are not needed here); when the
        // workers can open the case file, only its geometry: they read their CT slices themselves.
        guard job.workersReadCaseFile else {
            let ct = try CaseFile.readCT(path: job.caseFilePath)
            try job.cancellation.check()
            return try SegmentRun(ct: ct, request: Self.request(from: segmentation), haloMM: segmentation.haloMM, cancellation: job.cancellation)
        }
        let grid = try CaseFile.ctGrid(path: job.caseFilePath)
        return try SegmentRun(casePath: job.caseFilePath, grid: grid, request: Self.request(from: segmentation), haloMM: segmentation.haloMM,
                              cancellation: job.cancellation)
    }

    /// Runs one slab task; a task that carries no CT reads its extended slab's slices from the case file it names
    /// (through the worker's ``WorkerCTSlabCache``).
    public func execute(phase: Int, input: TaskPayload) throws -> TaskPayload {
        var (slab, casePath) = try SegmentationMessages.decodeInput(input)
        if let slices = slab.ctSlicesToRead, let casePath {
            try slab.supplyCT(try WorkerCTSlabCache.shared.slices(path: casePath, slices))
        }
        return SegmentationMessages.encode(try SegmentationPipeline.runLocal(step: slab.step, input: slab))
    }

    /// The pipeline request of a job spec's segmentation block (structures by name, thresholds in HU).
    public static func request(from spec: SegmentationSpec) throws -> SegmentationRequest {
        let structures = try spec.structures.map { wanted in
            guard let structure = SegmentationStructure(rawValue: wanted.rawValue) else {
                throw SegmentKindError("structure '\(wanted.rawValue)' is not produced by this build's segmentation")
            }
            return structure
        }
        return SegmentationRequest(structures: structures, bodyThresholdHU: spec.bodyThresholdHU,
                                   lungThresholdHU: spec.lungThresholdHU, boneThresholdHU: spec.boneThresholdHU)
    }
}

/// An input problem of a segment job.
struct SegmentKindError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
