import Core
@testable import Dose
import Testing
#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif

/// The lookup tables of the transport against the exact functions they replace, and the trig-free azimuth.
struct TransportTablesTests {
    /// 400 log-spaced points from `low` to `high`.
    static func sweep(_ low: Double, _ high: Double) -> [Double] {
        (0..<400).map { low * pow(high / low, Double($0) / 399) }
    }

    @Test("Octave tables match the exact cross-sections, CSDA range/energy and Highland factor within 1e-4 relative")
    func tablesMatchExactFunctions() throws {
        let t = TransportTables.shared
        for e in Self.sweep(0.005, 50) {
            let exact = WaterPhotonCoefficients(energyMeV: e)
            let mu = t.photon(energyMeV: e)
            #expect(abs(mu.total / exact.totalCM2PerG - 1) < 1e-4, "μ/ρ at \(e) MeV")
            #expect(abs(mu.compton / exact.comptonCM2PerG - 1) < 1e-4, "Compton at \(e) MeV")
            #expect(abs(mu.comptonPlusPhotoelectric / (exact.comptonCM2PerG + exact.photoelectricCM2PerG) - 1) < 1e-4, "photo at \(e) MeV")
        }
        for e in Self.sweep(1e-3, 20) {
            #expect(abs(t.range(energyMeV: e) / ElectronRangeTable.rangeGPerCM2(energyMeV: e) - 1) < 1e-4, "range at \(e) MeV")
        }
        for r in Self.sweep(1e-6, 10) {
            #expect(abs(t.energy(rangeGPerCM2: r) / ElectronRangeTable.energyMeV(rangeGPerCM2: r) - 1) < 1e-4, "energy at \(r) g/cm²")
        }
        for x in Self.sweep(1e-5, 5) {
            #expect(abs(t.highland(stepGPerCM2: x) / TransportTables.exactHighlandFactor(stepGPerCM2: x) - 1) < 1e-4, "Highland at \(x) g/cm²")
        }
        // Outside the table range the exact function is used.
        #expect(t.rangeGPerCM2.value(at: 500) == nil && t.range(energyMeV: 500) == ElectronRangeTable.rangeGPerCM2(energyMeV: 500))
        #expect(t.energy(rangeGPerCM2: 0) == 0 && t.energyMeV.value(at: .nan) == nil)
    }

    @Test("Azimuth from the unit disk: unit vector (1e-12), uniform φ (16 bins chi-square < 37.7, 15 dof, p > 0.001)")
    func azimuthIsUniform() throws {
        let grid = try Grid(nx: 1, ny: 1, nz: 1, spacingMM: SIMD3(repeating: 1))
        let model = try PatientModel(grid: grid, densityGPerCC: [1], materials: [.softTissue])
        var transport = ParticleTransport(patient: model, settings: TransportSettings())
        transport.rng = RandomStream(seed: 21)
        let n = 160_000, bins = 16
        var counts = [Int](repeating: 0, count: bins)
        for _ in 0..<n {
            let a = transport.azimuth()
            #expect(abs((a * a).sum() - 1) < 1e-12)
            let phi = atan2(a.y, a.x) + Double.pi
            counts[min(bins - 1, Int(phi / (2 * Double.pi) * Double(bins)))] += 1
        }
        let expected = Double(n) / Double(bins)
        let chi2 = counts.reduce(0.0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
        #expect(chi2 < 37.7, "chi-square \(chi2)")
    }
}
