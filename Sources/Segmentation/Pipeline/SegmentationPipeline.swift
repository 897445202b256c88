import Core

/// The segmentation of one CT as a fixed sequence of local (per z-slab) and global (coordinator)
/// steps whose result does not depend on the number of slabs, bit for bit.
///
/// A scheduler runs, for each step of ``steps``: for `.local(id)`, splits the CT into slabs with
/// ``haloSlices(forStep:)`` halo slices, builds each task with ``slabInput(step:slab:state:)``,
/// runs ``runLocal(step:input:)`` anywhere and hands the outputs in slab order to
/// ``absorb(step:outputs:into:)``; for `.global(id)`, calls ``runGlobal(step:state:)``. Then
/// ``finish(state:)`` returns the masks. ``run(ct:request:slabCount:)`` does exactly that in one process.
///
/// Each local step is either slab-local with a halo covering its morphology radii, or a
/// distributed labelling whose components are merged exactly (``DistributedLabelling``); every
/// selection (largest components, airway, left/right) is made on merged global statistics.
public struct SegmentationPipeline: Sendable {
    /// What is asked for.
    public let request: SegmentationRequest
    /// Geometry of the CT.
    public let grid: Grid
    /// The steps to run, in order (only those the requested structures need).
    public let steps: [SegmentationStep]

    /// Labelling names (class maps in ``SlabStepInput/masks``).
    static let bodyParts = "bodyParts", airwayCandidates = "airwayCandidates", boneCandidates = "boneCandidates"
    static let lungCandidates = "lungCandidates", canalCandidates = "canalCandidates"
    /// Scalar decision names.
    static let bodyCentreXMM = "bodyCentreXMM", lungSplitXMM = "lungSplitXMM"
    /// Scalar of every slab input: the CT's slice count, so a slab knows whether its extended slices
    /// reach an end of the scan (where the body opening continues the end slice, ``BodyRecipe/candidates``).
    static let ctSliceCount = "ct.sliceCount"

    /// A pipeline for `request` on a CT of geometry `grid`.
    /// - Throws: ``SegmentationError`` for a request without structures or with an invalid radius.
    public init(request: SegmentationRequest, grid: Grid) throws {
        guard !request.structures.isEmpty else { throw SegmentationError.invalidRequest("no structure requested") }
        _ = try StructuringBall(radiusMM: request.bodyOpeningRadiusMM, spacingMM: grid.spacingMM)
        guard request.bodyMinimumFraction.isFinite, (0...1).contains(request.bodyMinimumFraction) else {
            throw SegmentationError.invalidRequest("body minimum fraction must be within 0…1, got \(request.bodyMinimumFraction)")
        }
        guard request.lungMinimumCC.isFinite, request.lungMinimumCC >= 0 else {
            throw SegmentationError.invalidRequest("minimum lung volume must be finite and ≥ 0 cm³, got \(request.lungMinimumCC)")
        }
        self.request = request
        self.grid = grid
        var steps: [SegmentationStep] = [.local(.bodyCandidates), .global(.selectBody), .local(.tissues)]
        if Self.needsOrgans(request) { steps += [.global(.selectAirwayAndBones), .local(.organs)] }
        if Self.needsLungs(request) { steps += [.global(.selectLungsAndCanal), .local(.lungs)] }
        self.steps = steps
    }

    /// Halo (slices on each side of a slab's core) that makes local step `step` exact on the core.
    public func haloSlices(forStep step: LocalStepID) -> Int {
        let s = grid.spacingMM
        // Radii were validated in init (the fixed ones are positive constants).
        switch step {
        case .bodyCandidates:
            return try! Morphology.haloSlices(for: .open, radiusMM: request.bodyOpeningRadiusMM, spacingMM: s)
        case .tissues:
            let body = try! Morphology.haloSlices(for: .dilate, radiusMM: request.bodyOpeningRadiusMM, spacingMM: s)
            return request.wants(.bones) || request.wants(.spinalCanal) ? max(body, try! BoneRecipe.haloSlices(spacingMM: s)) : body
        case .organs:
            return try! Morphology.haloSlices(for: .dilate, radiusMM: LungRecipe.airwayMarginMM, spacingMM: s)
        case .lungs:
            return 0
        }
    }

    /// True when the airway and bone steps are needed.
    static func needsOrgans(_ r: SegmentationRequest) -> Bool {
        r.structures.contains { $0 != .body }
    }

    /// True when the lung and canal steps are needed.
    static func needsLungs(_ r: SegmentationRequest) -> Bool {
        r.wants(.lungLeft) || r.wants(.lungRight) || r.wants(.spinalCanal)
    }

    /// Names of the inputs of a local step (``inputs(of:)``) that it reads on the core slices only:
    /// the slab input carries just those slices.
    static func coreInputs(of step: LocalStepID) -> Set<String> {
        step == .organs ? [SegmentationStructure.body.rawValue, boneCandidates] : []
    }

    /// Names of the full-grid masks and labellings a local step reads (labellings arrive as class maps).
    static func inputs(of step: LocalStepID) -> [String] {
        switch step {
        case .bodyCandidates: return []
        case .tissues: return [bodyParts]
        case .organs: return [SegmentationStructure.body.rawValue, airwayCandidates, boneCandidates]
        case .lungs: return [lungCandidates, canalCandidates]
        }
    }
}
