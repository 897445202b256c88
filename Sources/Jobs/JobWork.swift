/// The kind-specific part of a job spec.
public enum JobWork: Hashable, Sendable {
    /// Auto-contour the case's CT.
    case segment(SegmentationSpec)
    /// Compute a beamlet dose influence matrix.
    case dose(DoseCalculationSpec)
    /// Plan: (segmentation) → beams → influence matrix → optimisation → evaluation.
    case plan(PlanSpec)
    /// Run the scheduler's diagnostic workload.
    case selftest(SelftestSpec)
}
