import Core
import Dose
import Foundation
import Testing
@testable import Planning

/// The low-pass filter of a Monte Carlo correction inside the body: a water box of 34³ voxels (3 mm) inside a
/// 3-voxel shell of air on a 40³ grid, σ = 6 mm (kernel radius 4 voxels). "Interior" = body voxels at least 4 voxels
/// from the body's edge (26³ voxels).
@Suite struct CorrectionSmoothingTests {
    static let n = 40, shell = 3, radius = 4

    static func patient() throws -> PatientModel {
        let grid = try Grid(nx: n, ny: n, nz: n, spacingMM: SIMD3(3, 3, 3))
        var density: [Double] = [], materials: [Material] = []
        for k in 0..<n { for j in 0..<n { for i in 0..<n {
            let inside = [i, j, k].allSatisfy { $0 >= shell && $0 < n - shell }
            density.append(inside ? 1 : 0.0012)
            materials.append(inside ? .softTissue : .air)
        } } }
        return try PatientModel(grid: grid, densityGPerCC: density, materials: materials)
    }

    static func coordinates(_ index: Int) -> (Int, Int, Int) { (index % n, (index / n) % n, index / (n * n)) }

    static func isInterior(_ index: Int) -> Bool {
        let (i, j, k) = coordinates(index)
        return [i, j, k].allSatisfy { $0 >= shell + radius && $0 < n - shell - radius }
    }

    /// Independent unit-normal noise inside the body: the interior σ after the filter is the kernel's noise factor
    /// ((Σk²)^(3/2) per axis = 0.0567 for σ = 2 voxels cut at 2σ) within 10 % (26³ correlated samples); the mean stays within 0.02 of 0.
    @Test func noiseIsDampedByTheNoiseFactor() throws {
        let patient = try Self.patient()
        let filter = try CorrectionSmoothing(patient: patient, sigmaMM: 6)
        #expect(filter.kernel.radius == SIMD3(Self.radius, Self.radius, Self.radius))
        var rng = RandomStream(seed: 9, stream: 0)
        let noise = (0..<patient.grid.voxelCount).map { _ in rng.normal() }
        let smoothed = filter.smooth(noise)
        let interior = smoothed.indices.filter(Self.isInterior).map { smoothed[$0] }
        let mean = interior.reduce(0, +) / Double(interior.count)
        let sigma = (interior.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(interior.count - 1)).squareRoot()
        #expect(abs(filter.noiseFactor - 0.0567) < 0.0005, "noise factor \(filter.noiseFactor)")
        #expect(abs(sigma / filter.noiseFactor - 1) < 0.1, "σ after \(sigma), expected \(filter.noiseFactor)")
        #expect(abs(mean) < 0.02)
    }

    /// A constant offset passes unchanged in every body voxel (renormalised at the edge; 1e-12 Gy); a linear ramp
    /// (0.01 Gy/mm along x) passes unchanged in the interior (symmetric kernel; 1e-9 Gy); outside the body the
    /// correction is 0, and 100 Gy of "correction" in the air does not reach the body.
    @Test func smoothCorrectionPassesAndAirIsExcluded() throws {
        let patient = try Self.patient()
        let filter = try CorrectionSmoothing(patient: patient, sigmaMM: 6)
        let body = filter.body
        #expect(body.filter { $0 }.count == 34 * 34 * 34)
        let constant = filter.smooth(body.map { $0 ? 2.5 : 100 })
        #expect(constant.indices.allSatisfy { body[$0] ? abs(constant[$0] - 2.5) < 1e-12 : constant[$0] == 0 })
        let ramp = (0..<patient.grid.voxelCount).map { 0.01 * 3 * Double(Self.coordinates($0).0) }
        let smoothedRamp = filter.smooth(ramp)
        #expect(smoothedRamp.indices.filter(Self.isInterior).allSatisfy { abs(smoothedRamp[$0] - ramp[$0]) < 1e-9 })
        let airOnly = filter.smooth(body.map { $0 ? 0 : 100 })
        #expect(airOnly.allSatisfy { $0 == 0 })
    }

    /// The body split at x = 20 into a "target" (x ≥ 20, overlap priority 1) and a "rest" structure (the body voxels with
    /// y < 30, priority 2): a correction that steps from −1 Gy (x < 20) to +1 Gy (x ≥ 20) is kept exactly by the
    /// structure-restricted filter on both sides of the step (1e-12 Gy), while the body-wide filter mixes them at the
    /// edge (|c| < 0.9 Gy in the voxel next to the step on either side: the Gaussian puts ≥ 10 % of its weight across).
    /// Body voxels of no structure form their own region and air stays 0.
    @Test func structureRegionsKeepTheStepAtTheTargetEdge() throws {
        let patient = try Self.patient()
        let grid = patient.grid
        let body = try CorrectionSmoothing(patient: patient, sigmaMM: 6).body
        let target = (0..<grid.voxelCount).map { UInt8(body[$0] && Self.coordinates($0).0 >= 20 ? 1 : 0) }
        let rest = (0..<grid.voxelCount).map { UInt8(body[$0] && Self.coordinates($0).1 < 30 ? 1 : 0) }
        let structures = try DoseGridStructures([
            ContouredStructure(name: "target", mask: try MaskVolume(grid: grid, voxels: target), overlapPriority: 1),
            ContouredStructure(name: "rest", mask: try MaskVolume(grid: grid, voxels: rest), overlapPriority: 2),
        ], doseGrid: grid)
        let restricted = try CorrectionSmoothing(patient: patient, sigmaMM: 6, structures: structures)
        let wide = try CorrectionSmoothing(patient: patient, sigmaMM: 6)
        #expect(Set(restricted.regions) == [-1, 0, 1, 2], "air, body in no structure (y ≥ 30, x < 20), rest, target")
        let step = (0..<grid.voxelCount).map { Self.coordinates($0).0 >= 20 ? 1.0 : -1.0 }
        let kept = restricted.smooth(step), mixed = wide.smooth(step)
        #expect(kept.indices.allSatisfy { body[$0] ? abs(kept[$0] - step[$0]) < 1e-12 : kept[$0] == 0 })
        let edge = (0..<grid.voxelCount).filter { body[$0] && [19, 20].contains(Self.coordinates($0).0) }
        #expect(!edge.isEmpty && edge.allSatisfy { abs(mixed[$0]) < 0.9 }, "the body-wide filter blurs the step")
        #expect(try CorrectionSmoothing(patient: patient, sigmaMM: 6, structures: structures).smooth(step) == kept, "deterministic")
        let other = try Grid(nx: 4, ny: 4, nz: 4, spacingMM: SIMD3(3, 3, 3))
        let elsewhere = try DoseGridStructures([ContouredStructure(name: "t", mask: try MaskVolume(grid: other, voxels: [UInt8](repeating: 1, count: 64)))],
                                               doseGrid: other)
        #expect(throws: PlanningError.self) { try CorrectionSmoothing(patient: patient, sigmaMM: 6, structures: elsewhere) }
    }

    /// The same correction gives bitwise the same result; a non-positive sigma is rejected.
    @Test func deterministicAndChecked() throws {
        let patient = try Self.patient()
        let filter = try CorrectionSmoothing(patient: patient, sigmaMM: 5)
        var rng = RandomStream(seed: 4, stream: 1)
        let values = (0..<patient.grid.voxelCount).map { _ in rng.uniform() }
        #expect(filter.smooth(values) == filter.smooth(values))
        #expect(throws: PlanningError.self) { try CorrectionSmoothing(patient: patient, sigmaMM: 0) }
        #expect(throws: PlanningError.self) { try CorrectionSmoothing(patient: patient, sigmaMM: -1) }
    }
}
