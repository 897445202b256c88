import Core

/// Everything a local step needs for one slab, as plain data (volumes on the extended slab,
/// named scalars): the scheduler serialises it field by field.
public struct SlabStepInput: Sendable, Equatable {
    /// The step to run.
    public var step: LocalStepID
    /// Index of the slab in its decomposition.
    public var slabIndex: Int
    /// Global slices the slab owns (its output covers exactly these).
    public var core: Range<Int>
    /// Global slices of the extended slab (core plus halo); the CT and the masks have these slices
    /// (masks the step reads only on its core: the core's slices).
    public var extended: Range<Int>
    /// CT of the extended slab.
    public var ct: CTVolume
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
        self.ct = ct
        self.masks = masks
        self.scalars = scalars
    }
}
