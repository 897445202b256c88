/// One step of the slab pipeline: a local step runs once per z-slab on any rank, a global step
/// runs on the coordinator on merged per-slab summaries.
public enum SegmentationStep: Sendable, Hashable, Codable {
    /// Dispatched as one task per slab (``SegmentationPipeline/runLocal(step:input:)``).
    case local(LocalStepID)
    /// Run once on the coordinator (``SegmentationPipeline/runGlobal(step:state:)``).
    case global(GlobalStepID)
}

/// The local (per-slab) steps, in pipeline order. The raw value names the step in messages and logs.
public enum LocalStepID: String, CaseIterable, Sendable, Hashable, Codable {
    /// Body threshold, opening (cuts couch and pads), labels of the opened mask.
    case bodyCandidates
    /// Body mask (reconstructed, filled); airway and bone candidates with their labels.
    case tissues
    /// Trachea and bone masks; lung and spinal-canal candidates with their labels.
    case organs
    /// Left and right lung masks (split where one component spans both sides), spinal canal mask.
    case lungs
}

/// The global (coordinator) steps, in pipeline order.
public enum GlobalStepID: String, CaseIterable, Sendable, Hashable, Codable {
    /// Keeps the body components from their merged statistics.
    case selectBody
    /// Picks the airway component and the bone components.
    case selectAirwayAndBones
    /// Picks the lung components (left/right or one to split) and the spinal canal.
    case selectLungsAndCanal
}
