import Core

/// What a local step returns for one slab, as plain data: volumes on the core slices and
/// per-slab summaries for the next global step.
public struct SlabStepOutput: Sendable, Equatable {
    /// The step that produced it.
    public var step: LocalStepID
    /// Index of the slab in its decomposition.
    public var slabIndex: Int
    /// Global slices covered by every volume below.
    public var core: Range<Int>
    /// Masks on the core slices, by name.
    public var masks: [String: MaskVolume]
    /// Local label maps on the core slices (1…n in local raster order), by labelling name.
    public var labels: [String: LabelVolume]
    /// Distributed-labelling summary of each labelling, by labelling name.
    public var summaries: [String: SlabLabelSummary]
    /// Extra per-local-label counts (entry l − 1 for local label l), by name `<labelling>.<quantity>`.
    public var counts: [String: [Int64]]
    /// Work of each core slice for balanced splits (``SegmentationPipeline/sliceWork(_:threads:)``), when the
    /// input asked for it (``SlabStepInput/reportsSliceWork``); else empty.
    public var sliceWork: [Int64] = []

    /// Memberwise initialiser.
    public init(step: LocalStepID, slabIndex: Int, core: Range<Int>, masks: [String: MaskVolume],
                labels: [String: LabelVolume], summaries: [String: SlabLabelSummary], counts: [String: [Int64]]) {
        self.step = step
        self.slabIndex = slabIndex
        self.core = core
        self.masks = masks
        self.labels = labels
        self.summaries = summaries
        self.counts = counts
    }
}
