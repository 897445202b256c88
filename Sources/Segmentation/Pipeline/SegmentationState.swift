import Core

/// What the coordinator holds between steps: the CT, the volumes produced so far (on the body
/// box, all slices, once the body is selected; see ``SegmentationPipeline/finish(state:)`` for the
/// full-grid result), the per-slab summaries of the last local step and the global decisions.
public struct SegmentationState: Sendable {
    /// The CT being segmented; nil when the ranks that run the local steps read it themselves
    /// (slab inputs then carry no CT: ``SlabStepInput/ctSlicesToRead``).
    public let ct: CTVolume?
    /// Masks by name, on the CT grid, kept on the box their step worked on (the body box after body
    /// selection, else the whole slice) as the core slices of the slabs that produced them.
    var masks: [String: BoxedVolume<UInt8>] = [:]
    /// Label maps by labelling name, one per slab (in slab order, on its core slices): that slab's
    /// local labels on an in-plane rectangle of the step's grid (``PlaneRect``).
    var labels: [String: [LabelVolume]] = [:]
    /// Core slice ranges of the slabs that produced each labelling, in slab order.
    var labelCores: [String: [Range<Int>]] = [:]
    /// Per-slab summaries of each labelling, in slab order.
    var summaries: [String: [SlabLabelSummary]] = [:]
    /// Per-slab extra counts, in slab order.
    var counts: [String: [[Int64]]] = [:]
    /// Per-labelling, per-slab tables mapping a local label to its class (0 = dropped).
    public internal(set) var classTables: [String: [[UInt8]]] = [:]
    /// Scalar decisions (e.g. the x of the left/right split), by name.
    public internal(set) var decisions: [String: Double] = [:]

    /// The state before the first step.
    public init(ct: CTVolume) { self.ct = ct }

    /// The state before the first step of a run whose slab inputs carry no CT: whoever runs a local step
    /// supplies its CT slices (``SlabStepInput/supplyCT(_:)``).
    public init() { ct = nil }
}
