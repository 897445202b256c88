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

    /// Slabs per local step for a CT of `nz` slices: one per 8 slices, between 1 and 32.
    public static func slabCount(nz: Int) -> Int { min(max(nz / 8, 1), 32) }

    public func start(_ job: JobContext) throws -> any JobRun {
        let spec = try JobSpec.parse(yaml: job.job.spec)
        guard case .segment(let segmentation) = spec.work else {
            throw SegmentKindError("the spec of a segment job describes a \(spec.kind.rawValue) job")
        }
        let ct = try CaseFile.read(path: job.caseFilePath).ct
        return try SegmentRun(ct: ct, request: Self.request(from: segmentation), haloMM: segmentation.haloMM)
    }

    public func execute(phase: Int, input: TaskPayload) throws -> TaskPayload {
        let slab = try SegmentationMessages.decodeInput(input)
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
