import Core
@testable import Dose
import Testing

/// The voxel traversal of charged-particle steps against a simple fine-marching reference.
struct ElectronWalkTests {
    /// 6 × 5 × 4 voxels of 2 × 3 × 2.5 mm with densities 0.3…2.0 g/cm³ (a fixed pseudo-random pattern).
    static func model() throws -> PatientModel {
        let grid = try Grid(nx: 6, ny: 5, nz: 4, spacingMM: SIMD3(2, 3, 2.5), originMM: SIMD3(-5, -6, -3.75))
        var rng = RandomStream(seed: 4)
        let density = (0..<grid.voxelCount).map { _ in 0.3 + 1.7 * rng.uniform() }
        return try PatientModel(grid: grid, densityGPerCC: density, materials: .init(repeating: .softTissue, count: grid.voxelCount))
    }

    /// Per-voxel deposits of a straight step found by marching 1 µm at a time, with the same range → energy function.
    static func reference(_ t: ParticleTransport, from start: SIMD3<Double>, _ d: SIMD3<Double>, stepGPerCM2: Double,
                          residual: Double, energyMeV: Double) -> (deposits: [Int: Double], end: SIMD3<Double>?) {
        let dt = 1e-3
        var p = start, left = stepGPerCM2, r = residual, e = energyMeV
        var deposits: [Int: Double] = [:]
        while left > 0 {
            let v = t.voxel(p + d * (dt / 2))
            if v < 0 { return (deposits, nil) }
            let s = t.scorer.scale(v)
            let areal = min(left, s * dt / 10)
            left -= areal
            r = max(0, r - areal)
            let eNew = t.tables.energy(rangeGPerCM2: r)
            deposits[v, default: 0] += e - eNew
            e = eNew
            p += d * (areal * 10 / s)
        }
        return (deposits, p)
    }

    @Test("Exact traversal agrees with 1 µm marching: per-voxel energy within 5e-4 MeV, end point within 2 µm, exits detected",
          arguments: [(SIMD3(0.3, 0.8, -0.2), 0.35), (SIMD3(-1.0, 0.0, 0.0), 1.2), (SIMD3(0.0, 0.0, 1.0), 0.2), (SIMD3(0.5, -0.5, 0.7), 0.6)])
    func traversalMatchesMarching(direction: SIMD3<Double>, stepGPerCM2: Double) throws {
        let model = try Self.model()
        let d = direction / (direction * direction).sum().squareRoot()
        let start = SIMD3(0.37, -0.81, 0.23)
        let energy = 2.0
        let residual = ElectronRangeTable.rangeGPerCM2(energyMeV: energy)
        var t = ParticleTransport(patient: model, settings: TransportSettings())
        let ref = Self.reference(t, from: start, d, stepGPerCM2: stepGPerCM2, residual: residual, energyMeV: energy)
        var p = start, r = residual, e = energy
        let inside = t.walk(&p, d, stepGPerCM2, &r, &e)
        #expect(inside == (ref.end != nil))
        if let end = ref.end {
            #expect(simd_distance(p, end) < 2e-3, "end \(p) vs \(end)")
            #expect(abs(r - max(0, residual - stepGPerCM2)) < 1e-12)
        }
        for v in 0..<model.grid.voxelCount {
            let got = t.scorer.batchEnergyMeV(v)
            #expect(abs(got - ref.deposits[v, default: 0]) < 5e-4, "voxel \(v): \(got) vs \(ref.deposits[v, default: 0]) MeV")
        }
        // The tally sums the deposits in double precision.
        let total = t.tally.depositedMeV
        #expect(abs(total + e - energy) < 1e-12, "deposited \(total) + remaining \(e) ≠ \(energy) MeV")
    }
}
