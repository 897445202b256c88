/// The dose engine of the influence matrix (and of a `dose` job's forward dose).
public enum DoseEngine: String, CaseIterable, Hashable, Sendable, Codable {
    /// Monte Carlo-lite beamlets (`histories_per_beamlet` each).
    case monteCarlo = "monte_carlo"
    /// Finite-size pencil beam with a Monte Carlo water kernel (`kernel_histories`): deterministic, noise-free.
    case pencilBeam = "pencil_beam"
}
