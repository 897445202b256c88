import Core

extension SegmentationPipeline {
    /// Runs local step `step` on one slab. Pure: depends only on `input`, so it runs on any rank.
    /// - Throws: ``SegmentationError`` when the input lacks a volume the step needs or is inconsistent.
    public static func runLocal(step: LocalStepID, input: SlabStepInput) throws -> SlabStepOutput {
        guard input.step == step, input.ct.grid.nz == input.extended.count,
              input.core.lowerBound >= input.extended.lowerBound, input.core.upperBound <= input.extended.upperBound,
              !input.core.isEmpty else {
            throw SegmentationError.inconsistentSlabs("slab \(input.slabIndex): input for \(input.step.rawValue) with core \(input.core) and extended \(input.extended) (\(input.ct.grid.nz) slices) does not fit step \(step.rawValue)")
        }
        let structures = SegmentationStructure.allCases.filter { input.scalars["structure." + $0.rawValue] != nil }
        let request = SegmentationRequest(structures: structures, scalars: input.scalars)
        let crop = step == .bodyCandidates ? nil : BodyCrop(scalars: input.scalars, nx: input.ct.grid.nx, ny: input.ct.grid.ny)
        var context = LocalContext(input: input, request: request, crop: crop)
        let input = context.input
        switch step {
        case .bodyCandidates:
            try context.label(bodyParts, try BodyRecipe.candidates(input.ct, request), connectivity: .twentySix)
        case .tissues:
            let body = try BodyRecipe.mask(input.ct, kept: try context.extended(bodyParts), request)
            let coreBody = context.core(body)
            context.emit(SegmentationStructure.body.rawValue, coreBody)
            if request.wants(.trachea) || needsLungs(request) {
                let air = AirwayRecipe.candidates(context.core(input.ct), body: coreBody, request)
                try context.label(airwayCandidates, air, connectivity: .twentySix, extended: false)
            }
            if request.wants(.bones) || request.wants(.spinalCanal) {
                let bone = try BoneRecipe.candidates(input.ct, request)
                let labels = try context.label(boneCandidates, bone.bone, connectivity: .twentySix)
                context.count(boneCandidates + ".cortical", labels, where: context.core(bone.cortical))
            }
        case .organs:
            let ct = context.core(input.ct)
            if request.wants(.trachea) || needsLungs(request) {
                let airway = try context.extended(airwayCandidates)
                let coreAirway = context.core(airway)
                if request.wants(.trachea) { context.emit(SegmentationStructure.trachea.rawValue, coreAirway) }
                if needsLungs(request) {
                    let near = context.core(try Morphology.dilate(airway, radiusMM: LungRecipe.airwayMarginMM))
                    let lung = LungRecipe.candidates(ct, body: context.core(try context.extended(SegmentationStructure.body.rawValue)),
                                                     airwayNear: near, request)
                    let labels = try context.label(lungCandidates, lung, connectivity: .six, extended: false)
                    context.count(lungCandidates + ".pureAir", labels, where: MaskAlgebra.atMost(ct, request.airThresholdHU))
                }
            }
            if request.wants(.bones) || request.wants(.spinalCanal) {
                let bones = context.core(try context.extended(boneCandidates))
                if request.wants(.bones) { context.emit(SegmentationStructure.bones.rawValue, bones) }
                if request.wants(.spinalCanal) {
                    try context.label(canalCandidates, try SpinalCanalRecipe.candidates(ct, bones: bones), connectivity: .six, extended: false)
                }
            }
        case .lungs:
            if request.wants(.lungLeft) || request.wants(.lungRight) {
                let classes = context.core(try context.extended(lungCandidates))
                let lungs = try LungRecipe.masks(classes, splitXMM: input.scalars[lungSplitXMM] ?? 0)
                if request.wants(.lungLeft) { context.emit(SegmentationStructure.lungLeft.rawValue, lungs.left) }
                if request.wants(.lungRight) { context.emit(SegmentationStructure.lungRight.rawValue, lungs.right) }
            }
            if request.wants(.spinalCanal) {
                context.emit(SegmentationStructure.spinalCanal.rawValue, context.core(try context.extended(canalCandidates)))
            }
        }
        return context.output
    }
}

/// Helpers of one local step: the body crop, core extraction, labelling of core slices, per-label
/// counts; outputs are placed back on the full slices.
struct LocalContext {
    /// The step's input, cropped to the body box when there is one.
    let input: SlabStepInput
    let request: SegmentationRequest
    var output: SlabStepOutput
    /// The body box the step runs in (nil: the full slices).
    let crop: BodyCrop?
    /// The full-slice grid of the extended slab.
    let fullGrid: Grid

    init(input: SlabStepInput, request: SegmentationRequest, crop: BodyCrop?) {
        var cropped = input
        if let crop {
            cropped.ct = crop.crop(input.ct)
            cropped.masks = input.masks.mapValues { crop.crop($0) }
        }
        self.input = cropped
        self.request = request
        self.crop = crop
        fullGrid = input.ct.grid
        output = SlabStepOutput(step: input.step, slabIndex: input.slabIndex, core: input.core,
                                masks: [:], labels: [:], summaries: [:], counts: [:])
    }

    /// `v` (core slices, possibly cropped) on the full slices.
    func full<V>(_ v: Volume<V>) -> Volume<V> {
        guard let crop else { return v }
        let g = try! Grid(nx: fullGrid.nx, ny: fullGrid.ny, nz: v.grid.nz, spacingMM: fullGrid.spacingMM,
                          originMM: SIMD3(fullGrid.originMM.x, fullGrid.originMM.y, v.grid.originMM.z))
        return crop.uncrop(v, to: g)
    }

    /// Records the core mask `mask` as output `name` on the full slices.
    mutating func emit(_ name: String, _ mask: MaskVolume) { output.masks[name] = full(mask) }

    /// Offset of the core inside the extended slab.
    var coreOffset: Int { input.core.lowerBound - input.extended.lowerBound }

    /// The core slices of an extended-slab volume.
    func core<V>(_ v: Volume<V>) -> Volume<V> { MaskAlgebra.core(v, offset: coreOffset, count: input.core.count) }

    /// The extended-slab mask `name` from the input.
    func extended(_ name: String) throws -> MaskVolume {
        guard let m = input.masks[name], m.grid.nz == input.extended.count else {
            throw SegmentationError.inconsistentSlabs("slab \(input.slabIndex): step \(input.step.rawValue) needs '\(name)' on its extended slab")
        }
        return m
    }

    /// Labels the core of `mask` (extended slab, or already the core when `extended` is false)
    /// as labelling `name`; returns the local labels.
    @discardableResult
    mutating func label(_ name: String, _ mask: MaskVolume, connectivity: Connectivity, extended: Bool = true) throws -> LabelVolume {
        let c = full(extended ? core(mask) : mask)
        let result = try DistributedLabelling.labelCore(c, firstCoreSlice: input.core.lowerBound, connectivity: connectivity)
        output.labels[name] = result.labels
        output.summaries[name] = result.summary
        return result.labels
    }

    /// Records, per local label, the number of its voxels inside `mask` (core) as counts `name`.
    mutating func count(_ name: String, _ labels: LabelVolume, where mask: MaskVolume) {
        let labelling = String(name.prefix { $0 != "." })
        let n = output.summaries[labelling]?.sums.componentCount ?? 0
        output.counts[name] = MaskAlgebra.countPerLabel(labels, componentCount: n, where: full(mask))
    }
}
