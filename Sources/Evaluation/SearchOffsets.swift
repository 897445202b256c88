/// The lattice of gamma search points around a voxel, sorted by distance, in evaluated-grid voxel units.
struct SearchOffsets {
    /// Offsets in evaluated-grid voxel coordinates.
    let voxelOffsets: [SIMD3<Double>]
    /// |offset|² / DTA², increasing.
    let distanceTerms: [Double]

    init(radiusMM: Double, stepMM: Double, distanceToAgreementMM dta: Double, spacingMM: SIMD3<Double>) {
        let n = Int((radiusMM / stepMM + 1e-9).rounded(.down))
        var points: [(Double, SIMD3<Double>)] = []
        for z in -n...n {
            for y in -n...n {
                for x in -n...n {
                    let mm = SIMD3(Double(x), Double(y), Double(z)) * stepMM
                    let r2 = (mm * mm).sum()
                    if r2 <= radiusMM * radiusMM * (1 + 1e-12) { points.append((r2 / (dta * dta), mm / spacingMM)) }
                }
            }
        }
        points.sort { $0.0 < $1.0 }
        voxelOffsets = points.map { $0.1 }
        distanceTerms = points.map { $0.0 }
    }

    /// Smallest γ over the search points around `base` (evaluated voxel coordinates); nil when no search point lies
    /// inside the evaluated grid. An overflowing γ is +infinity, never taken for "not covered".
    func minimumGamma(at base: SIMD3<Double>, referenceDoseGy dr: Double, inverseDoseCriterion inv: Double,
                      sampler: TrilinearSampler) -> Double? {
        var best2 = Double.infinity
        var covered = false
        for p in voxelOffsets.indices {
            let dist2 = distanceTerms[p]
            if covered && dist2 >= best2 { break }
            guard let de = sampler.sample(base + voxelOffsets[p]) else { continue }
            covered = true
            let diff = (de - dr) * inv
            let g2 = dist2 + diff * diff
            if g2 < best2 { best2 = g2 }
        }
        return covered ? best2.squareRoot() : nil
    }
}
