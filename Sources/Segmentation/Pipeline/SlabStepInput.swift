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
    /// CT of the extended slab (a copy of those slices when the input refers to a larger CT, see ``ctSource``).
    public var ct: CTVolume {
        get { ctIsExtended ? ctSource : ctSource.slab((extended.lowerBound - ctSourceFirstSlice)..<(extended.upperBound - ctSourceFirstSlice)) }
        set { ctSource = newValue; ctSourceFirstSlice = extended.lowerBound }
    }
    /// The CT volume the extended slab's CT is read from: the extended slab itself, or, in one process,
    /// a larger CT holding it from global slice ``ctSourceFirstSlice`` on (no copy of the slab).
    public private(set) var ctSource: CTVolume
    /// Global index of ``ctSource``'s first slice.
    public private(set) var ctSourceFirstSlice: Int
    /// Masks of the extended slab (or of the core) read by the step (0/1 masks or small class maps), by name.
    public var masks: [String: MaskVolume]
    /// Request values and global decisions, by name (see ``SegmentationRequest/scalars``).
    public var scalars: [String: Double]

    /// Memberwise initialiser.
    public init(step: LocalStepID, slabIndex: Int, core: Range<Int>, extended: Range<Int>, ct: CTVolume,
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
    var ctIsExtended: Bool { ctSourceFirstSlice == extended.lowerBound && ctSource.grid.nz == extended.count }

    /// True when ``ctSource`` holds every slice of the extended slab.
    var ctCoversExtended: Bool {
        ctSourceFirstSlice <= extended.lowerBound && extended.upperBound <= ctSourceFirstSlice + ctSource.grid.nz
    }

    /// The extended slab's slices within ``ctSource``.
    var extendedInSource: Range<Int> { (extended.lowerBound - ctSourceFirstSlice)..<(extended.upperBound - ctSourceFirstSlice) }
}

extension SlabStepInput: Equatable {
    /// Equal tasks: the same fields and the same extended-slab CT, wherever it is read from.
    public static func == (a: SlabStepInput, b: SlabStepInput) -> Bool {
        a.step == b.step && a.slabIndex == b.slabIndex && a.core == b.core && a.extended == b.extended
            && a.masks == b.masks && a.scalars == b.scalars && a.ctCoversExtended && b.ctCoversExtended && a.ct == b.ct
    }
}
