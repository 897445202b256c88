/// The kinds of work rtcluster runs: auto-contouring, a beamlet dose influence matrix, a full plan, and the
/// scheduler's diagnostic workload.
public enum JobKind: String, CaseIterable, Hashable, Sendable, Codable {
    /// Auto-contour a CT (body, lungs, trachea, bones, spinal canal).
    case segment
    /// Monte Carlo-lite dose influence matrix of a 6 MV photon beam set.
    case dose
    /// Optional segmentation → beams → influence matrix → fluence optimisation → evaluation.
    case plan
    /// Diagnostic: checksums and a tunable compute loop over CT slabs, with failure injection (see `SelftestSpec`).
    case selftest
}
