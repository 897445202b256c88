import Core
@testable import Dose
import Testing
#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif

/// The transport's shortcuts that must not change the physics: ziggurat exponential flights, the polynomial
/// multiple-scattering cosine, the two-region Woodcock majorant and the electron that cannot leave its voxel.
struct FastSamplingTests {
    @Test("Ziggurat exponential: mean and variance 1 within 5σ, P(X > x) = e^−x within 5 binomial σ at x = 0.1 … 10 (tail beyond r ≈ 7.7)")
    func zigguratIsExponential() {
        let z = ExponentialZiggurat.shared
        #expect(abs(z.tailStart - 7.69711747) < 1e-6, "r = \(z.tailStart)")
        var rng = RandomStream(seed: 5)
        let n = 400_000
        let xs = (0..<n).map { _ in z.sample(using: &rng) }
        let mean = xs.reduce(0, +) / Double(n)
        let variance = xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
        // Exp(1): σ(mean) = 1/√n; σ(sample variance) = √(8/n) (fourth central moment 9).
        #expect(abs(mean - 1) < 5 / Double(n).squareRoot(), "mean \(mean)")
        #expect(abs(variance - 1) < 5 * (8 / Double(n)).squareRoot(), "variance \(variance)")
        for x in [0.1, 0.5, 1, 2, 4, 7, 7.7, 8.5, 10] {
            let p = exp(-x), sigma = (p * (1 - p) / Double(n)).squareRoot()
            let observed = Double(xs.filter { $0 > x }.count) / Double(n)
            #expect(abs(observed - p) < 5 * sigma + 1 / Double(n), "P(X > \(x)) = \(observed) vs \(p)")
        }
    }

    @Test("Half-angle cosine polynomial equals cos θ within 3e-13 over 0 … π and gives −1 beyond π")
    func halfAngleCosine() {
        for i in 0...10_000 {
            let theta = Double.pi * Double(i) / 10_000
            #expect(abs(HalfAngleCosine.cosine(angleSquared: theta * theta) - cos(theta)) < 3e-13, "θ = \(theta)")
        }
        #expect(HalfAngleCosine.cosine(angleSquared: 10) == -1)
    }

    /// A water block (3 × 40 × 3 voxels of 2 mm, 80 mm along the beam) inside a 5 × 60 × 5 grid of thin matter of
    /// density `outsideDensity` (below the box threshold: it lies outside the body box).
    static func blockInAir(outsideDensity: Double) throws -> PatientModel {
        let grid = try Grid(nx: 5, ny: 60, nz: 5, spacingMM: SIMD3(repeating: 2), originMM: SIMD3(-4, -59, -4))
        var density = [Double](repeating: outsideDensity, count: grid.voxelCount)
        var material = [Material](repeating: .air, count: grid.voxelCount)
        for k in 1...3 { for j in 10..<50 { for i in 1...3 {
            density[grid.index(i, j, k)] = 1
            material[grid.index(i, j, k)] = .softTissue
        } } }
        return try PatientModel(grid: grid, densityGPerCC: density, materials: material)
    }

    @Test("Body box: bounds of the non-air voxels, outside majorant = the air's scale; narrow-beam transmission through 80 mm water + 40 mm of 0.04 g/cm³ matter outside the box = exp(−Σμx) within 4σ; energy balance 1e-9")
    func twoRegionMajorant() throws {
        let patient = try Self.blockInAir(outsideDensity: 0.04)
        let g = patient.grid
        let box = MajorantBox(scale: { patient.attenuationScale[$0] }, nx: g.nx, ny: g.ny, nz: g.nz, spacingMM: g.spacingMM,
                              gridLowerMM: g.originMM - g.spacingMM / 2)
        #expect(box.body.lowerMM == SIMD3(-3, -40, -3) && box.body.upperMM == SIMD3(3, 40, 3), "box \(box.body)")
        #expect(abs(box.outsideMaxScale - 0.04 * Material.air.electronDensityRatio) < 1e-15)
        #expect(abs(box.insideMaxScale - Material.softTissue.electronDensityRatio) < 1e-15)

        let n = 20_000
        let geometry = try BeamGeometry(beams: [Beam(gantryDeg: 0, isocentreMM: .zero)],
                                        beamlets: [Beamlet(id: 0, beamIndex: 0, uMM: 0, vMM: 0, widthMM: 0.4)], bixelMM: 0.4)
        var calc = try BeamletDoseCalculator(patient: patient, geometry: geometry, spectrum: .monoenergetic(1.25))
        let c = try calc.column(beamletID: 0, seed: 12, histories: n, thresholdRelative: 0)
        let muWater = WaterPhotonCoefficients(energyMeV: 1.25).totalCM2PerG
        let expected = exp(-muWater * (8 * Material.softTissue.electronDensityRatio + 4 * 0.04 * Material.air.electronDensityRatio))
        let sigma = (expected * (1 - expected) / Double(n)).squareRoot()
        let observed = Double(c.bookkeeping.unscatteredPrimaries) / Double(n)
        #expect(abs(observed - expected) < 4 * sigma, "transmission \(observed) vs \(expected) ± \(sigma)")
        let b = c.bookkeeping
        #expect(abs(b.depositedMeV + b.escapedMeV - b.emittedMeV) < 1e-9 * b.emittedMeV)
        // Dose reaches the matter outside the box (interactions there are sampled, not skipped).
        let outside = c.rowIndices.filter { (Int($0) / g.nx) % g.ny < 10 || (Int($0) / g.nx) % g.ny >= 50 }
        #expect(!outside.isEmpty, "no dose outside the box")
    }

    @Test("Same beamlet with air of 0.0012 g/cm³ and near-vacuum (1e-9 g/cm³) outside the box: unscattered transmission within 4σ of exp(−μx) of the water alone")
    func emptyOutsideRegion() throws {
        let n = 20_000
        let geometry = try BeamGeometry(beams: [Beam(gantryDeg: 0, isocentreMM: .zero)],
                                        beamlets: [Beamlet(id: 0, beamIndex: 0, uMM: 0, vMM: 0, widthMM: 0.4)], bixelMM: 0.4)
        let muWater = WaterPhotonCoefficients(energyMeV: 1.25).totalCM2PerG
        for outside in [0.0012, 1e-9] {
            var calc = try BeamletDoseCalculator(patient: Self.blockInAir(outsideDensity: outside), geometry: geometry, spectrum: .monoenergetic(1.25))
            let c = try calc.column(beamletID: 0, seed: 13, histories: n)
            let expected = exp(-muWater * (8 * Material.softTissue.electronDensityRatio + 4 * outside * Material.air.electronDensityRatio))
            let sigma = (expected * (1 - expected) / Double(n)).squareRoot()
            let observed = Double(c.bookkeeping.unscatteredPrimaries) / Double(n)
            #expect(abs(observed - expected) < 4 * sigma, "outside \(outside): transmission \(observed) vs \(expected) ± \(sigma)")
        }
    }
}
