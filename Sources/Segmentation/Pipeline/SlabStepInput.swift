import Core

/// Everything a local step needs for one slab, as plain data (volumes on the extended slab,
/// named scalars): the scheduler serialises it field by field.
public struct SlabStepInput: Sendable {
    /// The step to run.
    public var step: LocalStepID
    /// Index of the slab in its decomposition.
    public var slabIndex: Int
    /// Global slices the slab owns (its output covers exactly these).
    public var core: Range<Int>
    /// Global slices of the extended slab (core plus halo); the CT and the masks have these slices
    /// (masks the step reads only on its core: the core's slices).
    public var extended: Range<Int>
    /// CT of the extended slab (a copy of those slices when the input refers to a larger CT, see ``ctSource``);
    /// nil when the input leaves the CT to whoever runs the step (``ctSlicesToRead``, ``supplyCT(_:)``).
    public var ct: CTVolume? {
        get {
            guard let ctSource else { return nil }
            return ctIsExtended ? ctSource : ctSource.slab((extended.lowerBound - ctSourceFirstSlice)..<(extended.upperBound - ctSourceFirstSlice))
        }
        set { ctSource = newValue; ctSourceFirstSlice = extended.lowerBound }
    }
    /// The CT volume the extended slab's CT is read from: the extended slab itself, or, in one process,
    /// a larger CT holding it from global slice ``ctSourceFirstSlice`` on (no copy of the slab); nil
    /// until supplied when the input carries no CT.
    public private(set) var ctSource: CTVolume?
    /// Global index of ``ctSource``'s first slice.
    public private(set) var ctSourceFirstSlice: Int
    /// Masks of the extended slab (or of the core) read by the step (0/1 masks or small class maps), by name.
    public var masks: [String: MaskVolume]
    /// Request values and global decisions, by name (see ``SegmentationRequest/scalars``).
    public var scalars: [String: Double]
    /// When true, a bodyCandidates step also returns the work of each of its core slices
    /// (``SlabStepOutput/sliceWork``, as ``SegmentationPipeline/sliceWork(_:threads:)`` gives for the whole CT),
    /// so a runner whose coordinator never reads the CT can balance the later steps' slabs.
    public var reportsSliceWork = false

    /// Memberwise initialiser.
    public init(step: LocalStepID, slabIndex: Int, core: Range<Int>, extended: Range<Int>, ct: CTVolume?,
                masks: [String: MaskVolume], scalars: [String: Double]) {
        self.step = step
        self.slabIndex = slabIndex
        self.core = core
        self.extended = extended
        self.ctSource = ct
        self.ctSourceFirstSlice = extended.lowerBound
        self.masks = masks
        self.scalars = scalars
    }

    /// An input whose CT is slices `extended` of `ctSource` (its first slice is global slice `ctSourceFirstSlice`).
    init(step: LocalStepID, slabIndex: Int, core: Range<Int>, extended: Range<Int>, ctSource: CTVolume, ctSourceFirstSlice: Int,
         masks: [String: MaskVolume], scalars: [String: Double]) {
        self.init(step: step, slabIndex: slabIndex, core: core, extended: extended, ct: ctSource, masks: masks, scalars: scalars)
        self.ctSourceFirstSlice = ctSourceFirstSlice
    }

    /// True when ``ctSource`` is exactly the extended slab.
    var ctIsExtended: Bool { ctSourceFirstSlice == extended.lowerBound && ctSource?.grid.nz == extended.count }

    /// True when ``ctSource`` holds every slice of the extended slab.
    var ctCoversExtended: Bool {
        guard let ctSource else { return false }
        return ctSourceFirstSlice <= extended.lowerBound && extended.upperBound <= ctSourceFirstSlice + ctSource.grid.nz
    }

    /// The CT slices (global, full slices) the runner must supply with ``supplyCT(_:)`` before the step
    /// runs: the extended slab when the input carries no CT, else nil.
    public var ctSlicesToRead: Range<Int>? { ctSource == nil ? extended : nil }

    /// Supplies the CT of an input that carries none: `slices` are the full slices ``ctSlicesToRead`` of the
    /// case's CT (e.g. read from the case file by the rank that runs the step). After body selection the
    /// step works on the body box, so they are cropped to it here, exactly as
    /// ``SegmentationPipeline/slabInput(step:slab:state:)`` crops the whole CT.
    /// - Throws: ``SegmentationError/inconsistentSlabs(_:)`` when the input already has a CT or `slices` do not fit.
    public mutating func supplyCT(_ slices: CTVolume) throws {
        guard ctSource == nil, slices.grid.nz == extended.count else {
            throw SegmentationError.inconsistentSlabs("slab \(slabIndex): \(slices.grid.nz) CT slices supplied for the extended slab \(extended)"
                                                      + (ctSource == nil ? "" : ", which already has its CT"))
        }
        guard step != .bodyCandidates, let crop = BodyCrop(scalars: scalars) else {
            ct = slices
            return
        }
        guard slices.grid.nx == crop.sliceNX, slices.grid.ny == crop.sliceNY else {
            throw SegmentationError.inconsistentSlabs("slab \(slabIndex): CT slices of \(slices.grid.nx)×\(slices.grid.ny) for a body box in \(crop.sliceNX)×\(crop.sliceNY)")
        }
        ct = crop.crop(slices, slices: 0..<slices.grid.nz)
    }

    /// The extended slab's slices within ``ctSource``.
    var extendedInSource: Range<Int> { (extended.lowerBound - ctSourceFirstSlice)..<(extended.upperBound - ctSourceFirstSlice) }
}

extension SlabStepInput: Equatable {
    /// Equal tasks: the same fields and the same extended-slab CT, wherever it is read from (or both without CT).
    public static func == (a: SlabStepInput, b: SlabStepInput) -> Bool {
        a.step == b.step && a.slabIndex == b.slabIndex && a.core == b.core && a.extended == b.extended
            && a.masks == b.masks && a.scalars == b.scalars && a.reportsSliceWork == b.reportsSliceWork
            && ((a.ctSource == nil && b.ctSource == nil) || (a.ctCoversExtended && b.ctCoversExtended && a.ct == b.ct))
    }
}
