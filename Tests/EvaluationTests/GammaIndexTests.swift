import Core
import Foundation
import Testing
import Evaluation

/// Gamma on analytic 1-D field profiles (constant in y and z) on 1 mm grids: 0 below x = 10 mm, a
/// 10 mm ramp at 0.2 Gy/mm up to 2 Gy, a plateau from 20 to 40 mm, a ramp down to 0 at 50 mm.
/// Trilinear interpolation reproduces this piecewise-linear profile exactly between voxel centres.
@Suite struct GammaIndexTests {
    static func profile(_ x: Double) -> Double { 0.2 * min(max(x - 10, 0), 10) - 0.2 * min(max(x - 40, 0), 10) }

    static func field(shiftMM: Double = 0, scale: Double = 1, spacingMM: Double = 1, originMM: Double = 0) -> DoseVolume {
        let n = Int(60 / spacingMM)
        let grid = try! Grid(nx: n, ny: 5, nz: 5, spacingMM: [spacingMM, 1, 1], originMM: [originMM, 0, 0])
        var v = DoseVolume(grid: grid)
        for z in 0..<5 { for y in 0..<5 { for x in 0..<n {
            v[x, y, z] = Float(scale * profile(originMM + Double(x) * spacingMM - shiftMM))
        } } }
        return v
    }

    /// γ on the centre row (y = z = 2) at x = `mm`.
    static func gamma(_ r: GammaResult, _ mm: Int) -> Float { r.gammaMap[mm, 2, 2] }

    @Test func identicalGridsGiveZero() throws {
        let r = try GammaIndex.compare(reference: Self.field(), evaluated: Self.field())
        #expect(r.maxGamma == 0 && r.passRatePct == 100)
        // 10 % threshold: voxels with x ≤ 10 and x ≥ 50 (dose < 0.2 Gy) are not evaluated.
        #expect(r.evaluatedVoxelCount == 25 * 39 && Self.gamma(r, 5) == -1)
    }

    /// With a normalisation dose far above the reference (2 Gy peak, 10 % of 100 Gy = 10 Gy threshold) no voxel is
    /// evaluated: the pass rate is undefined (nil), not 100 %.
    @Test func nothingEvaluatedHasNoPassRate() throws {
        let r = try GammaIndex.compare(reference: Self.field(), evaluated: Self.field(), criteria: GammaCriteria(normalisationDoseGy: 100))
        #expect(r.evaluatedVoxelCount == 0 && r.passedVoxelCount == 0)
        #expect(r.passRatePct == nil)
    }

    /// A shift by exactly the DTA (2 mm) passes everywhere (γ ≤ 1, with γ = 1 exactly on the ramps).
    @Test func shiftByDTAPasses() throws {
        let r = try GammaIndex.compare(reference: Self.field(), evaluated: Self.field(shiftMM: 2))
        #expect(r.passRatePct == 100, "max γ \(r.maxGamma)")
        #expect(r.maxGamma <= 1)
    }

    /// A 2.5 mm shift: on the ramps (0.2 Gy/mm, 3.3 ΔD per mm) the minimum of δ²/DTA² + (3.33 (2.5 − δ))² is
    /// 1.53 (γ ≈ 1.24), so ramp voxels fail; plateau voxels far from the edges still match exactly (γ = 0).
    @Test func shiftBeyondDTAFailsOnSteepGradient() throws {
        let r = try GammaIndex.compare(reference: Self.field(), evaluated: Self.field(shiftMM: 2.5))
        for x in Array(13...19) + Array(43...49) { #expect(Self.gamma(r, x) > 1.2, "x = \(x): γ = \(Self.gamma(r, x))") }
        for x in 25...37 { #expect(Self.gamma(r, x) == 0) }
        #expect((r.passRatePct ?? 100) < 100)
    }

    /// A 4 % scaling fails 3 % in the plateau (γ = 4/3); a 2 % scaling passes everywhere (γ ≤ 2/3).
    @Test func doseScaling() throws {
        let four = try GammaIndex.compare(reference: Self.field(), evaluated: Self.field(scale: 1.04))
        let plateau = (22...38).filter { Self.gamma(four, $0) <= 1 }
        #expect(plateau.isEmpty, "passing plateau voxels: \(plateau)")
        #expect(abs(Double(Self.gamma(four, 30)) - 4.0 / 3) < 1e-5)
        let two = try GammaIndex.compare(reference: Self.field(), evaluated: Self.field(scale: 1.02))
        #expect(two.passRatePct == 100 && two.maxGamma <= 2.0 / 3 + 1e-5)
    }

    /// Different grids: the same profile on a 0.5 mm grid with another origin (knots still on grid nodes) interpolates back exactly.
    @Test func differentGridsInterpolate() throws {
        let r = try GammaIndex.compare(reference: Self.field(), evaluated: Self.field(spacingMM: 0.5, originMM: -0.5))
        #expect(r.passRatePct == 100 && r.maxGamma < 1e-4, "max γ \(r.maxGamma)")
    }

    /// The pre-sorted search with early exit against an exhaustive one: random 10×9×8 doses on a 1 mm grid, search
    /// step 1 mm (lattice points fall on voxel centres, so no interpolation is involved) and radius 2.5 mm (no lattice
    /// point lies on the sphere); every voxel's γ within 1e-5, and the same voxels evaluated.
    @Test func earlyExitMatchesExhaustiveSearch() throws {
        let grid = try Grid(nx: 10, ny: 9, nz: 8, spacingMM: [1, 1, 1], originMM: [0, 0, 0])
        var rng = RandomStream(seed: 7)
        var reference = DoseVolume(grid: grid), evaluated = DoseVolume(grid: grid)
        for z in 0..<8 { for y in 0..<9 { for x in 0..<10 {
            let smooth = 1 + sin(Double(x) * 0.7) * cos(Double(y) * 0.5) + 0.1 * Double(z)
            reference[x, y, z] = Float(smooth * (1 + 0.03 * rng.normal()))
            evaluated[x, y, z] = Float(smooth * (1 + 0.03 * rng.normal()))
        } } }
        let criteria = GammaCriteria(searchRadiusMM: 2.5, searchStepMM: 1)
        let result = try GammaIndex.compare(reference: reference, evaluated: evaluated, criteria: criteria)
        let norm = Double(reference.voxels.max() ?? 0), dd = 0.03 * norm, dta = 2.0
        var evaluatedCount = 0
        for z in 0..<8 { for y in 0..<9 { for x in 0..<10 {
            let dr = Double(reference[x, y, z])
            guard dr >= 0.1 * norm else { #expect(result.gammaMap[x, y, z] == -1); continue }
            evaluatedCount += 1
            var best = Double.infinity
            for k in -2...2 { for j in -2...2 { for i in -2...2 where i * i + j * j + k * k <= 6 {
                let (ex, ey, ez) = (x + i, y + j, z + k)
                guard (0..<10).contains(ex), (0..<9).contains(ey), (0..<8).contains(ez) else { continue }
                let de = Double(evaluated[ex, ey, ez])
                best = min(best, (Double(i * i + j * j + k * k) / (dta * dta) + (de - dr) * (de - dr) / (dd * dd)).squareRoot())
            } } }
            #expect(abs(Double(result.gammaMap[x, y, z]) - best) <= 1e-5, "voxel \(x),\(y),\(z): \(result.gammaMap[x, y, z]) vs \(best)")
        } } }
        #expect(result.evaluatedVoxelCount == evaluatedCount && result.passedVoxelCount < evaluatedCount && result.passedVoxelCount > 0)
    }

    @Test func localCriterionAndValidation() throws {
        let local = GammaCriteria(isGlobal: false)
        let r = try GammaIndex.compare(reference: Self.field(), evaluated: Self.field(scale: 1.02), criteria: local)
        #expect(abs(r.maxGamma - 2.0 / 3) < 1e-4)
        #expect(throws: EvaluationError.self) {
            try GammaIndex.compare(reference: Self.field(), evaluated: Self.field(), criteria: GammaCriteria(distanceToAgreementMM: 0))
        }
    }

    /// A dose grid scaled by 1e38 (the audit's huge.h5: 2.6e38 Gy) gave γ ≈ 2e39, beyond the float32 map: doses beyond
    /// ±10 000 Gy are refused, naming the grid and the voxel; 10 000 Gy itself is accepted.
    @Test func dosesBeyondTheLimitAreRefused() throws {
        #expect(throws: EvaluationError.self) { try GammaIndex.compare(reference: Self.field(), evaluated: Self.field(scale: 1e38)) }
        do {
            _ = try GammaIndex.compare(reference: Self.field(scale: 1e38), evaluated: Self.field())
            Issue.record("a reference of 2e38 Gy was compared")
        } catch let error as EvaluationError {
            #expect("\(error)".contains("reference dose holds") && "\(error)".contains("(11, 0, 0)"), "\(error)")
        }
        // The plateau at 2 Gy × 5000 = 10 000 Gy is at the limit, compared with itself: γ = 0.
        let atLimit = try GammaIndex.compare(reference: Self.field(scale: 5000), evaluated: Self.field(scale: 5000))
        #expect(atLimit.maxGamma == 0 && atLimit.passRatePct == 100)
        var dose = Self.field()
        dose[30, 2, 2] = -10_001
        #expect(GammaIndex.implausibleDose(in: dose)?.voxel == SIMD3(30, 2, 2))
        #expect(GammaIndex.implausibleDose(in: Self.field(scale: 5000)) == nil)
    }

    /// A negative or not-a-number dose is refused (−0 is 0), and a reference of 0 Gy everywhere says so instead of
    /// "normalisation dose 0.0 Gy" (or "-0.0 Gy" for a negated file).
    @Test func negativeAndZeroReferencesAreRefusedClearly() throws {
        for bad in [Float(-0.5), .nan, -.infinity] {
            var dose = Self.field()
            dose[4, 1, 3] = bad
            #expect(GammaIndex.implausibleDose(in: dose)?.voxel == SIMD3(4, 1, 3), "\(bad)")
            #expect(throws: EvaluationError.self) { try GammaIndex.compare(reference: Self.field(), evaluated: dose) }
        }
        var negativeZero = Self.field(scale: 0)
        negativeZero.withUnsafeMutableBufferPointer { for i in $0.indices { $0[i] = -0.0 } }
        #expect(GammaIndex.implausibleDose(in: negativeZero) == nil)
        for zero in [Self.field(scale: 0), negativeZero] {
            do {
                _ = try GammaIndex.compare(reference: zero, evaluated: Self.field())
                Issue.record("a reference of 0 Gy everywhere was compared")
            } catch let error as EvaluationError {
                #expect("\(error)".contains("reference dose is 0 Gy everywhere"), "\(error)")
            }
        }
        // With an explicit normalisation dose a zero reference is compared (every voxel below the threshold).
        let explicit = try GammaIndex.compare(reference: Self.field(scale: 0), evaluated: Self.field(), criteria: GammaCriteria(normalisationDoseGy: 2))
        #expect(explicit.passRatePct == nil)
    }

    /// A γ beyond float32 (a local criterion on a reference dose of 1e-40 Gy against 2 Gy) is refused instead of being
    /// stored as +inf; a Double overflow (a 1e-300 % criterion) is refused instead of being counted as "outside the grid".
    @Test func gammaBeyondTheMapRangeIsRefused() throws {
        var reference = Self.field()
        reference[30, 2, 2] = 1e-40
        let local = GammaCriteria(lowDoseThresholdPct: 0, isGlobal: false)
        #expect(throws: EvaluationError.self) { try GammaIndex.compare(reference: reference, evaluated: Self.field(), criteria: local) }
        #expect(throws: EvaluationError.self) {
            try GammaIndex.compare(reference: Self.field(), evaluated: Self.field(scale: 1.02), criteria: GammaCriteria(doseDifferencePct: 1e-300))
        }
        // The same criteria on identical fields stay finite (γ = 0 wherever evaluated).
        let same = try GammaIndex.compare(reference: reference, evaluated: reference, criteria: local)
        #expect(same.maxGamma == 0 && same.uncoveredVoxelCount == 0)
    }
}
