import Core

extension SegmentationPipeline {
    /// Runs local step `step` on one slab. Pure: depends only on `input`, so it runs on any rank.
    /// - Throws: ``SegmentationError`` when the input lacks a volume the step needs or is inconsistent.
    public static func runLocal(step: LocalStepID, input: SlabStepInput) throws -> SlabStepOutput {
        guard let ctSource = input.ctSource else {
            throw SegmentationError.inconsistentSlabs("slab \(input.slabIndex): input for \(input.step.rawValue) has no CT (supply slices \(input.extended) first)")
        }
        guard input.step == step, input.ctCoversExtended,
              input.core.lowerBound >= input.extended.lowerBound, input.core.upperBound <= input.extended.upperBound,
              !input.core.isEmpty else {
            throw SegmentationError.inconsistentSlabs("slab \(input.slabIndex): input for \(input.step.rawValue) with core \(input.core) and extended \(input.extended) (CT slices \(input.ctSourceFirstSlice)..<\(input.ctSourceFirstSlice + ctSource.grid.nz)) does not fit step \(step.rawValue)")
        }
        let structures = SegmentationStructure.allCases.filter { input.scalars["structure." + $0.rawValue] != nil }
        let request = SegmentationRequest(structures: structures, scalars: input.scalars)
        let crop = step == .bodyCandidates ? nil : BodyCrop(scalars: input.scalars)
        if let crop, !crop.fits(ctSource.grid) || input.masks.values.contains(where: { !crop.fits($0.grid) }) {
            throw SegmentationError.inconsistentSlabs("slab \(input.slabIndex): input for \(step.rawValue) is not on the body box (\(crop.width)×\(crop.height) per slice)")
        }
        var context = LocalContext(input: input, request: request, crop: crop)
        switch step {
        case .bodyCandidates:
            // Thresholded straight from the CT the input refers to (no copy of the slab in one process).
            guard let sliceCount = input.scalars[ctSliceCount], sliceCount >= Double(input.extended.upperBound) else {
                throw SegmentationError.inconsistentSlabs("slab \(input.slabIndex): input for \(step.rawValue) lacks the CT's slice count (scalar \(ctSliceCount)) or its slices \(input.extended) exceed it")
            }
            // The scan's ends continue (the patient does): an extended slab reaching one is not eroded from it.
            let candidates = try BodyRecipe.candidates(ctSource, extended: input.extendedInSource, core: context.coreSlices,
                                                       continuingBelow: input.extended.lowerBound == 0,
                                                       continuingAbove: Double(input.extended.upperBound) == sliceCount, request)
            try context.label(bodyParts, candidates, connectivity: .twentySix)
            if input.reportsSliceWork {
                let core = input.extendedInSource.lowerBound + context.coreOffset
                context.output.sliceWork = sliceWork(ctSource, bodyThresholdHU: request.bodyThresholdHU, slices: core..<(core + input.core.count))
            }
        case .tissues:
            // Every volume after the dilations is computed on the core slices only.
            let extendedCT = try context.extendedCT()
            let ct = context.core(extendedCT)
            let coreBody = try BodyRecipe.mask(coreCT: ct, kept: try context.extended(bodyParts), core: context.coreSlices, request)
            context.emit(SegmentationStructure.body.rawValue, coreBody)
            if request.wants(.trachea) || needsLungs(request) {
                let air = AirwayRecipe.candidates(ct, body: coreBody, request)
                try context.label(airwayCandidates, air, connectivity: .twentySix)
            }
            if request.wants(.bones) || request.wants(.spinalCanal) {
                let bone = try BoneRecipe.candidates(extendedCT, coreCT: ct, core: context.coreSlices, request)
                let labels = try context.label(boneCandidates, bone.bone, connectivity: .twentySix)
                context.count(boneCandidates + ".cortical", labels, where: bone.cortical)
            }
        case .organs:
            let ct = context.core(try context.extendedCT())
            if request.wants(.trachea) || needsLungs(request) {
                let airway = try context.extended(airwayCandidates)
                let coreAirway = context.core(airway)
                if request.wants(.trachea) { context.emit(SegmentationStructure.trachea.rawValue, coreAirway) }
                if needsLungs(request) {
                    let near = try Morphology.dilate(airway, radiusMM: LungRecipe.airwayMarginMM, slices: context.coreSlices)
                    let lung = LungRecipe.candidates(ct, body: try context.coreMask(SegmentationStructure.body.rawValue),
                                                     airwayNear: near, request)
                    let labels = try context.label(lungCandidates, lung, connectivity: .six)
                    context.count(lungCandidates + ".pureAir", labels, where: MaskAlgebra.atMost(ct, request.airThresholdHU))
                }
            }
            if request.wants(.bones) || request.wants(.spinalCanal) {
                let bones = try context.coreMask(boneCandidates)
                if request.wants(.bones) { context.emit(SegmentationStructure.bones.rawValue, bones) }
                if request.wants(.spinalCanal) {
                    try context.label(canalCandidates, try SpinalCanalRecipe.candidates(ct, bones: bones), connectivity: .six)
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

/// Helpers of one local step: core extraction, labelling of core slices, per-label counts.
/// Volumes stay on the input's grid (the body box after body selection).
struct LocalContext {
    /// The step's input.
    let input: SlabStepInput
    let request: SegmentationRequest
    var output: SlabStepOutput
    /// The body box the input lies on (nil: the full slices).
    let crop: BodyCrop?

    init(input: SlabStepInput, request: SegmentationRequest, crop: BodyCrop?) {
        self.input = input
        self.request = request
        self.crop = crop
        output = SlabStepOutput(step: input.step, slabIndex: input.slabIndex, core: input.core,
                                masks: [:], labels: [:], summaries: [:], counts: [:])
    }

    /// Records the core mask `mask` as output `name`.
    mutating func emit(_ name: String, _ mask: MaskVolume) { output.masks[name] = mask }

    /// Offset of the core inside the extended slab.
    var coreOffset: Int { input.core.lowerBound - input.extended.lowerBound }

    /// The core's slices inside the extended slab.
    var coreSlices: Range<Int> { coreOffset..<(coreOffset + input.core.count) }

    /// The core slices of an extended-slab volume.
    func core<V>(_ v: Volume<V>) -> Volume<V> { MaskAlgebra.core(v, offset: coreOffset, count: input.core.count) }

    /// The CT of the extended slab.
    func extendedCT() throws -> CTVolume {
        guard let ct = input.ct else { throw SegmentationError.inconsistentSlabs("slab \(input.slabIndex): step \(input.step.rawValue) has no CT") }
        return ct
    }

    /// The extended-slab mask `name` from the input.
    func extended(_ name: String) throws -> MaskVolume {
        guard let m = input.masks[name], m.grid.nz == input.extended.count else {
            throw SegmentationError.inconsistentSlabs("slab \(input.slabIndex): step \(input.step.rawValue) needs '\(name)' on its extended slab")
        }
        return m
    }

    /// The core-slice mask `name` from the input (one of ``SegmentationPipeline/coreInputs(of:)``).
    func coreMask(_ name: String) throws -> MaskVolume {
        guard let m = input.masks[name], m.grid.nz == input.core.count else {
            throw SegmentationError.inconsistentSlabs("slab \(input.slabIndex): step \(input.step.rawValue) needs '\(name)' on its core")
        }
        return m
    }

    /// Labels `mask` (the core slices) as labelling `name`; returns the local labels (on the columns
    /// and rows of the foreground's box inside the input's grid, a ``PlaneRect``; the summary is on
    /// the full slices).
    @discardableResult
    mutating func label(_ name: String, _ mask: MaskVolume, connectivity: Connectivity) throws -> LabelVolume {
        let placement = crop.map { DistributedLabelling.Placement(lowerX: $0.lowerX, lowerY: $0.lowerY, sliceNX: $0.sliceNX, sliceNY: $0.sliceNY) }
        let result = try DistributedLabelling.labelCore(mask, firstCoreSlice: input.core.lowerBound,
                                                        connectivity: connectivity, placement: placement, onForeground: true)
        output.labels[name] = result.labels
        output.summaries[name] = result.summary
        return result.labels
    }

    /// Records, per local label, the number of its voxels inside `mask` (core) as counts `name`.
    mutating func count(_ name: String, _ labels: LabelVolume, where mask: MaskVolume) {
        let labelling = String(name.prefix { $0 != "." })
        let n = output.summaries[labelling]?.sums.componentCount ?? 0
        output.counts[name] = MaskAlgebra.countPerLabel(labels, componentCount: n, where: mask)
    }
}
