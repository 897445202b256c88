/// A full planning job: optional segmentation, beams and influence matrix, fluence optimisation
/// against the objectives, normalisation to the prescription, evaluation of the goals.
public struct PlanSpec: Hashable, Sendable {
    /// Auto-contouring run first; its structures count as available to the rest of the plan.
    public var segmentation: SegmentationSpec?
    /// Beams, dose grid and Monte Carlo statistics of the influence matrix.
    public var dose: DoseCalculationSpec
    /// Prescription and normalisation.
    public var prescription: PrescriptionSpec
    /// Cost function terms.
    public var objectives: ObjectiveSource
    /// Optimiser stopping rules.
    public var optimizer: OptimizerSpec
    /// Goals reported after normalisation (may be empty).
    public var goals: [GoalSpec]
    /// When set, the final fluence is recomputed with Monte Carlo, this many histories per beamlet (at most
    /// 10^7; more than `dose.historiesPerBeamlet` when the influence matrix is Monte Carlo too).
    public var finalHistoriesPerBeamlet: Int?
    /// When set (pencil-beam plans only), the first optimised fluence is recomputed with Monte Carlo, this many
    /// histories per beamlet (at most 10^7), and the plan is re-optimised on the pencil-beam matrix with the
    /// voxel-wise difference of the two doses added as a fixed correction.
    public var correctionHistoriesPerBeamlet: Int?
    /// How the Monte Carlo recomputations of the fluence (correction and final dose) spread their histories.
    public var finalHistoryAllocation: HistoryAllocation
    /// When set (with `correctionHistoriesPerBeamlet` only), the correction is smoothed inside the body with a
    /// Gaussian of this standard deviation (mm) before the re-optimisation.
    public var correctionSmoothingMM: Double?
    /// Where the smoothing of the correction averages (with `correctionSmoothingMM` only).
    public var correctionSmoothingRegions: CorrectionSmoothingRegions
    /// Number of correction rounds (with `correctionHistoriesPerBeamlet` only; 1 = one correction): each round
    /// recomputes the latest fluence with Monte Carlo (its own seed offset), forms the correction for it and
    /// re-optimises, so the final fluence is optimised with the correction of the fluence before it.
    public var correctionIterations: Int
    /// The start fluence of each re-optimisation (with `correctionHistoriesPerBeamlet` only).
    public var correctionWarmStart: CorrectionWarmStart

    /// Creates a plan request; values are taken as given (ranges are checked by the parser).
    public init(segmentation: SegmentationSpec? = nil, dose: DoseCalculationSpec, prescription: PrescriptionSpec,
                objectives: ObjectiveSource, optimizer: OptimizerSpec = OptimizerSpec(), goals: [GoalSpec] = [],
                finalHistoriesPerBeamlet: Int? = nil, correctionHistoriesPerBeamlet: Int? = nil,
                finalHistoryAllocation: HistoryAllocation = .uniform,
                correctionSmoothingMM: Double? = nil, correctionIterations: Int = 1,
                correctionSmoothingRegions: CorrectionSmoothingRegions = .body, correctionWarmStart: CorrectionWarmStart = .previous) {
        self.segmentation = segmentation
        self.dose = dose
        self.prescription = prescription
        self.objectives = objectives
        self.optimizer = optimizer
        self.goals = goals
        self.finalHistoriesPerBeamlet = finalHistoriesPerBeamlet
        self.correctionHistoriesPerBeamlet = correctionHistoriesPerBeamlet
        self.finalHistoryAllocation = finalHistoryAllocation
        self.correctionSmoothingMM = correctionSmoothingMM
        self.correctionIterations = correctionIterations
        self.correctionSmoothingRegions = correctionSmoothingRegions
        self.correctionWarmStart = correctionWarmStart
    }
}
