import Core

/// 3D gamma index (Low et al. 1998) between a reference and an evaluated dose grid.
///
/// For each reference voxel r above the low-dose threshold,
/// γ(r) = min over points e of √(|e − r|² / DTA² + (D_e(e) − D_r(r))² / ΔD²), where D_e is the
/// evaluated dose interpolated trilinearly at e (the grids may differ; points outside the evaluated
/// grid are skipped). Search points lie on a cubic lattice of step `searchStepMM` around r within
/// `searchRadiusMM`, visited in order of increasing distance; the search stops as soon as the
/// distance term alone reaches the best γ found. Reference voxels with no search point inside the evaluated grid
/// are not evaluated (−1 in the map), like those below the threshold.
///
/// Doses outside 0…``doseLimitGy`` (negative, not a number, or beyond the limit) are refused: a grid holding e.g.
/// 2.6e38 Gy (a file scaled by 1e38) gave γ ≈ 2e39,
/// beyond the float32 range of the map. A γ that still leaves that range (a local criterion on a reference dose of
/// 1e-40 Gy) is refused too, never stored as infinity nor counted as a voxel outside the evaluated grid.
public enum GammaIndex {
    /// The largest dose a compared grid may hold, in Gy: far beyond any delivered dose (and the upper end of an
    /// explicit normalisation dose).
    public static let doseLimitGy = 1e4

    /// The first voxel (x, y, z index) of `dose` outside 0…``doseLimitGy`` (negative, not a number or beyond the
    /// limit; −0 is 0), with its value; nil when none is.
    public static func implausibleDose(in dose: DoseVolume) -> (voxel: SIMD3<Int>, valueGy: Double)? {
        let limit = Float(doseLimitGy)
        let found: Int? = dose.withUnsafeBufferPointer { d in d.firstIndex { !($0 >= 0 && $0 <= limit) } }
        guard let found else { return nil }
        let g = dose.grid
        return (SIMD3(found % g.nx, (found / g.nx) % g.ny, found / (g.nx * g.ny)), Double(dose.voxels[found]))
    }

    /// Compares `evaluated` with `reference` under `criteria`.
    public static func compare(reference: DoseVolume, evaluated: DoseVolume, criteria: GammaCriteria = GammaCriteria()) throws -> GammaResult {
        let dta = criteria.distanceToAgreementMM
        let radius = criteria.searchRadiusMM ?? 3 * dta
        let step = criteria.searchStepMM ?? dta / 5
        guard dta > 0, criteria.doseDifferencePct > 0, radius >= 0, step > 0, criteria.lowDoseThresholdPct >= 0 else {
            throw EvaluationError.invalidParameter("gamma criteria \(criteria)")
        }
        for (role, volume) in [("reference", reference), ("evaluated", evaluated)] {
            if let (voxel, value) = implausibleDose(in: volume) {
                throw EvaluationError.invalidParameter("the \(role) dose holds \(value) Gy at voxel (x, y, z) = (\(voxel.x), \(voxel.y), \(voxel.z)), "
                    + "outside the 0…\(Int(doseLimitGy)) Gy a dose grid may hold")
            }
        }
        let norm = criteria.normalisationDoseGy ?? Double(reference.voxels.max() ?? 0)
        guard norm > 0 || criteria.normalisationDoseGy != nil else {
            throw EvaluationError.invalidParameter("the reference dose is 0 Gy everywhere: no normalisation dose to compare against "
                + "(give one explicitly, or check the file)")
        }
        guard norm > 0, norm.isFinite else { throw EvaluationError.invalidParameter("normalisation dose \(norm) Gy") }
        let threshold = criteria.lowDoseThresholdPct / 100 * norm
        try requireOverlap(reference.grid, evaluated.grid)
        let offsets = SearchOffsets(radiusMM: radius, stepMM: step, distanceToAgreementMM: dta, spacingMM: evaluated.grid.spacingMM)
        let sampler = TrilinearSampler(evaluated)
        let g = reference.grid, eg = evaluated.grid
        var map = Volume<Float>(grid: g, repeating: -1)
        var evaluatedCount = 0, passed = 0, uncovered = 0
        var maxGamma = 0.0, sum = 0.0
        var overflow: (voxel: SIMD3<Int>, gamma: Double, doseGy: Double, criterionGy: Double)?
        reference.withUnsafeBufferPointer { ref in
            map.withUnsafeMutableBufferPointer { out in
                for k in 0..<g.nz {
                    for j in 0..<g.ny {
                        for i in 0..<g.nx {
                            let index = g.index(i, j, k)
                            let dr = Double(ref[index])
                            // A local criterion is a share of the reference dose: undefined where that dose is 0.
                            if dr < threshold || (!criteria.isGlobal && dr <= 0) { continue }
                            let dd = criteria.doseDifferencePct / 100 * (criteria.isGlobal ? norm : dr)
                            let base = eg.voxelCoordinates(of: g.position(i, j, k))
                            // No search point inside the evaluated grid: the voxel lies outside the comparison.
                            guard let gamma = offsets.minimumGamma(at: base, referenceDoseGy: dr, inverseDoseCriterion: 1 / dd, sampler: sampler) else {
                                uncovered += 1
                                continue
                            }
                            // A γ the float32 map cannot hold (or a Double overflow) ends the comparison below.
                            guard gamma <= Double(Float.greatestFiniteMagnitude) else {
                                if overflow == nil { overflow = (SIMD3(i, j, k), gamma, dr, dd) }
                                continue
                            }
                            out[index] = Float(gamma)
                            evaluatedCount += 1
                            if gamma <= 1 { passed += 1 }
                            maxGamma = max(maxGamma, gamma)
                            sum += gamma
                        }
                    }
                }
            }
        }
        if let overflow {
            throw EvaluationError.invalidParameter("γ = \(overflow.gamma) at reference voxel (x, y, z) = (\(overflow.voxel.x), \(overflow.voxel.y), "
                + "\(overflow.voxel.z)) exceeds the float32 range of the gamma map: its dose criterion is \(overflow.criterionGy) Gy "
                + "(reference dose \(overflow.doseGy) Gy); use a global criterion, a low-dose threshold or a normalisation dose")
        }
        return GammaResult(gammaMap: map, evaluatedVoxelCount: evaluatedCount, uncoveredVoxelCount: uncovered, passedVoxelCount: passed, maxGamma: maxGamma,
                           meanGamma: evaluatedCount == 0 ? 0 : sum / Double(evaluatedCount))
    }

    /// Throws unless the two grids' extents (voxel centres ± half a voxel) overlap on every axis.
    static func requireOverlap(_ a: Grid, _ b: Grid) throws {
        func extent(_ g: Grid, _ axis: Int, _ n: Int) -> ClosedRange<Double> {
            (g.originMM[axis] - g.spacingMM[axis] / 2)...(g.originMM[axis] + (Double(n) - 0.5) * g.spacingMM[axis])
        }
        for (axis, na, nb) in [(0, a.nx, b.nx), (1, a.ny, b.ny), (2, a.nz, b.nz)] where !extent(a, axis, na).overlaps(extent(b, axis, nb)) {
            let name = ["x", "y", "z"][axis]
            throw EvaluationError.gridMismatch("the reference and evaluated dose grids do not overlap along \(name) "
                + "(\(extent(a, axis, na)) mm vs \(extent(b, axis, nb)) mm)")
        }
    }
}
