/// The three kinds of work rtcluster runs: auto-contouring, a beamlet dose influence matrix, a full plan.
public enum JobKind: String, CaseIterable, Hashable, Sendable, Codable {
    /// Auto-contour a CT (body, lungs, trachea, bones, spinal canal).
    case segment
    /// Monte Carlo-lite dose influence matrix of a 6 MV photon beam set.
    case dose
    /// Optional segmentation → beams → influence matrix → fluence optimisation → evaluation.
    case plan
}
