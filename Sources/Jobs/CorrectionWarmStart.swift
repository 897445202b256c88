/// What fluence a correction round's re-optimisation starts from (`correction_warm_start`).
public enum CorrectionWarmStart: String, CaseIterable, Hashable, Sendable, Codable {
    /// The fluence the correction was computed for, unchanged.
    case previous
    /// That fluence times one factor that restores the target's mean model dose after the correction is added
    /// (the correction lifts or lowers the whole target by a few per cent), so the optimiser starts near the level.
    case scaled
}
