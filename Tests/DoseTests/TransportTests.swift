import Core
@testable import Dose
import Testing
#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif

/// Photon and charged-particle transport: attenuation, Woodcock tracking, energy balance, calibration.
struct TransportTests {
    /// A water slab 3 × 40 × 3 voxels of 2 mm (80 mm thick along y), optionally with one dense voxel off the beam path.
    static func slab(denseVoxelDensity: Double? = nil) throws -> PatientModel {
        let grid = try Grid(nx: 3, ny: 40, nz: 3, spacingMM: SIMD3(repeating: 2), originMM: SIMD3(-2, -39, -2))
        var density = [Double](repeating: 1, count: grid.voxelCount)
        var material = [Material](repeating: .softTissue, count: grid.voxelCount)
        if let denseVoxelDensity {
            density[grid.index(0, 5, 0)] = denseVoxelDensity
            material[grid.index(0, 5, 0)] = .bone
        }
        return try PatientModel(grid: grid, densityGPerCC: density, materials: material)
    }

    /// Fraction of unscattered primaries of a 0.4 mm beamlet of 1.25 MeV photons through the slab.
    static func transmission(_ patient: PatientModel, histories: Int) throws -> Double {
        let geometry = try BeamGeometry(beams: [Beam(gantryDeg: 0, isocentreMM: .zero)],
                                        beamlets: [Beamlet(id: 0, beamIndex: 0, uMM: 0, vMM: 0, widthMM: 0.4)], bixelMM: 0.4)
        var calc = try BeamletDoseCalculator(patient: patient, geometry: geometry, spectrum: .monoenergetic(1.25))
        let c = try calc.column(beamletID: 0, seed: 11, histories: histories)
        return Double(c.bookkeeping.unscatteredPrimaries) / Double(histories)
    }

    @Test("Narrow-beam primary transmission through 8 cm of water equals exp(−μx) within 4 binomial σ (homogeneous and dense-voxel majorant)")
    func attenuationAndWoodcock() throws {
        let n = 20_000
        let mu = WaterPhotonCoefficients(energyMeV: 1.25).totalCM2PerG * Material.softTissue.electronDensityRatio
        let expected = exp(-mu * 8)
        let sigma = (expected * (1 - expected) / Double(n)).squareRoot()
        let homogeneous = try Self.transmission(Self.slab(), histories: n)
        #expect(abs(homogeneous - expected) < 4 * sigma, "transmission \(homogeneous) vs \(expected) ± \(sigma)")
        // A 3 g/cm³ voxel off the path triples the majorant: three times the virtual collisions, same answer.
        let heterogeneous = try Self.transmission(Self.slab(denseVoxelDensity: 3), histories: n)
        #expect(abs(heterogeneous - expected) < 4 * sigma, "transmission \(heterogeneous) vs \(expected) ± \(sigma)")
    }

    @Test("6 MV beamlet into a water box: deposited + escaped = emitted to 1e-9; column dose × mass gives back the deposited energy (1e-5)")
    func energyBalanceAndCalibration() throws {
        let grid = try Grid(nx: 16, ny: 16, nz: 16, spacingMM: SIMD3(repeating: 5), originMM: SIMD3(repeating: -37.5))
        let patient = try PatientModel(grid: grid, densityGPerCC: .init(repeating: 1, count: grid.voxelCount),
                                       materials: .init(repeating: .softTissue, count: grid.voxelCount))
        let geometry = try BeamGeometry.openField(gantryDeg: [30], isocentreMM: .zero, fieldSizeMM: SIMD2(10, 10), bixelMM: 10)
        var calc = try BeamletDoseCalculator(patient: patient, geometry: geometry)
        let histories = 4000
        let c = try calc.column(beamletID: 0, seed: 5, histories: histories, thresholdRelative: 0)
        let b = c.bookkeeping
        #expect(b.histories == histories)
        #expect(b.relativeImbalance < 1e-9, "imbalance \(b.relativeImbalance)")
        #expect(b.depositedMeV > 0.05 * b.emittedMeV && b.escapedMeV > 0.5 * b.emittedMeV, "deposited \(b.depositedMeV), escaped \(b.escapedMeV) of \(b.emittedMeV) MeV")
        let massG = grid.voxelVolumeCC
        let energyFromDose = zip(c.rowIndices, c.doseGy).reduce(0.0) { $0 + Double($1.1) * massG } /
            (DoseCalibration.reference.photonsPerMM2 * 100 * 1.602176634e-13 / 1e-3)
        #expect(abs(energyFromDose / (b.depositedMeV / Double(histories)) - 1) < 1e-5)
        #expect(c.rowIndices == c.rowIndices.sorted() && Set(c.rowIndices).count == c.rowIndices.count)
    }

    @Test("Dose builds up: a 6 MV 2 × 2 cm beam in water peaks below the surface voxel (debug-size run)")
    func buildUp() throws {
        let grid = try Grid(nx: 9, ny: 40, nz: 9, spacingMM: SIMD3(4, 2.5, 4), originMM: SIMD3(-16, 1.25, -16))
        let patient = try PatientModel(grid: grid, densityGPerCC: .init(repeating: 1, count: grid.voxelCount),
                                       materials: .init(repeating: .softTissue, count: grid.voxelCount))
        let geometry = try BeamGeometry.openField(gantryDeg: [0], isocentreMM: .zero, fieldSizeMM: SIMD2(20, 20), bixelMM: 20)
        var calc = try BeamletDoseCalculator(patient: patient, geometry: geometry)
        let c = try calc.column(beamletID: 0, seed: 2, histories: 20_000, thresholdRelative: 0)
        var depth = [Double](repeating: 0, count: grid.ny)
        for (r, d) in zip(c.rowIndices, c.doseGy) {
            let i = Int(r) % grid.nx, k = Int(r) / grid.sliceCount
            if i == 4 && k == 4 { depth[(Int(r) / grid.nx) % grid.ny] += Double(d) }
        }
        // Surface voxel (0–2.5 mm) well below the dose at 10–20 mm depth, and 15 mm above 90 mm.
        let plateau = depth[4...7].reduce(0, +) / 4
        #expect(depth[0] < 0.8 * plateau, "surface \(depth[0]) vs \(plateau)")
        #expect(depth[36] < plateau)
    }
}
