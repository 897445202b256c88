import Foundation

/// Warnings a plan result carries (`metrics_json` "warnings", the bundle's report, the job's summary): conditions
/// under which its numbers are unreliable though computed as asked, so the job still succeeds.
public enum PlanWarnings {
    /// The mean relative dose uncertainty (σ/D) over the prescription target above which a plan warns: 5 %.
    public static let targetUncertaintyLimit = 0.05

    /// The warning for a final dose whose mean σ/D over `target`'s dosed voxels is `relative`; nil up to `limit`.
    /// σ falls as 1/√N with the histories N, so (relative / limit)² more of them reach the limit.
    public static func targetUncertainty(_ relative: Double, target: String, limit: Double = targetUncertaintyLimit) -> String? {
        guard relative.isFinite, relative > limit else { return nil }
        let factor = ((relative / limit) * (relative / limit)).rounded(.up)
        return "the dose in \(target) is noisy: its mean relative uncertainty is \(String(format: "%.1f", relative * 100)) %, "
            + "above \(String(format: "%g", limit * 100)) %, so its DVH metrics and goals (D2, D10 and Dmax most) are unreliable; "
            + "use about \(String(format: "%.0f", factor))× the final histories (final_histories_per_beamlet; σ falls as 1/√N)"
    }
}
