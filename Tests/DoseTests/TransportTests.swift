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

    @Test("Scorer: slot tallies drained in voxel order equal a dictionary reference (1e-12), densities from the cells within 1e-7, across a stamp reset")
    func scorerMatchesReference() throws {
        let grid = try Grid(nx: 7, ny: 5, nz: 3, spacingMM: SIMD3(repeating: 2))
        var rng = RandomStream(seed: 21)
        let density = (0..<grid.voxelCount).map { _ in 0.2 + 1.8 * rng.uniform() }
        let materials = (0..<grid.voxelCount).map { Material.allCases[$0 % Material.allCases.count] }
        let patient = try PatientModel(grid: grid, densityGPerCC: density, materials: materials)
        var scorer = DoseScorer(attenuationScale: patient.attenuationScale, materials: materials)
        for beamlet in 0..<3 {
            if beamlet == 2 { scorer.stampBase = DoseScorer.stampMask - UInt32(grid.voxelCount) - 3 }  // forces a reset after this beamlet
            var sum: [Int: Double] = [:], sumSquares: [Int: Double] = [:]
            for histories in [40, 25, 33] {
                var batch: [Int: Double] = [:]
                for _ in 0..<(10 * histories) {
                    let v = Int(rng.next() % UInt64(grid.voxelCount / 2)) * 2 + beamlet % 2  // each beamlet touches a different half
                    let e = rng.uniform() + 1e-3
                    scorer.deposit(v, e)
                    batch[v, default: 0] += e
                }
                for (v, e) in batch { sum[v, default: 0] += e; sumSquares[v, default: 0] += e * e / Double(histories) }
                scorer.endBatch(histories: histories)
            }
            var visited = 0
            scorer.forEachTouchedVoxel { v, _, _, rho in
                visited += 1
                #expect(abs(rho / density[v] - 1) < 1e-7)
            }
            let entries = scorer.drain { s, s2, _ in (Float(s), Float(s2)) }
            let voxels = entries.map { Int($0.x >> 32) }
            #expect(voxels == sum.keys.sorted())
            for e in entries {
                let v = Int(e.x >> 32)
                #expect(abs(Double(Float(bitPattern: UInt32(truncatingIfNeeded: e.x))) / sum[v]! - 1) < 1e-6)
                #expect(abs(Double(Float(bitPattern: UInt32(truncatingIfNeeded: e.y))) / sumSquares[v]! - 1) < 1e-6)
            }
            #expect(visited == sum.count)
            #expect(scorer.slotVoxel.isEmpty, "a drained scorer holds no slots")
            if beamlet == 2 { #expect(scorer.stampBase == 1) }
        }
    }

    @Test("Radix sort by voxel equals the standard sort (100 000 distinct voxels of a 2^26-voxel grid, payload kept)")
    func radixSortMatchesSort() {
        var rng = RandomStream(seed: 8)
        var seen = Set<UInt64>()
        var entries: [SIMD2<UInt64>] = []
        while entries.count < 100_000 {
            let v = rng.next() % (1 << 26)
            guard seen.insert(v).inserted else { continue }
            entries.append(SIMD2(v << 32 | (rng.next() & 0xFFFF_FFFF), rng.next()))
        }
        var scratch: [SIMD2<UInt64>] = []
        var sorted = entries
        DoseScorer.sortByVoxel(&sorted, scratch: &scratch, voxelCount: 1 << 26)
        #expect(sorted == entries.sorted { $0.x >> 32 < $1.x >> 32 })
    }
}
