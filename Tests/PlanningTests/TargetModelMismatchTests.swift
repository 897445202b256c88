import Core
import Testing
@testable import Planning

/// The model-versus-Monte Carlo comparison in a target's edge shell and interior: a 4×4×4 cube target in a 10³ grid
/// (56 edge voxels, 8 interior voxels).
@Suite struct TargetModelMismatchTests {
    static let n = 10

    static func cube() throws -> MaskVolume {
        let grid = try Grid(nx: n, ny: n, nz: n, spacingMM: SIMD3(3, 3, 3))
        let voxels = (0..<grid.voxelCount).map { i -> UInt8 in
            [i % n, (i / n) % n, i / (n * n)].allSatisfy { (3..<7).contains($0) } ? 1 : 0
        }
        return try MaskVolume(grid: grid, voxels: voxels)
    }

    /// The shell of a cube is its surface: 4³ − 2³ = 56 voxels; a target touching the grid's face has its face voxels
    /// in the shell too.
    @Test func edgeShellIsTheSurface() throws {
        let target = try Self.cube()
        let edge = TargetModelMismatch.edgeShell(target)
        #expect(edge.filter { $0 }.count == 56)
        #expect(edge.indices.allSatisfy { !edge[$0] || target.voxels[$0] != 0 })
        let full = try MaskVolume(grid: try Grid(nx: 3, ny: 3, nz: 3, spacingMM: SIMD3(1, 1, 1)), voxels: [UInt8](repeating: 1, count: 27))
        #expect(TargetModelMismatch.edgeShell(full).filter { $0 }.count == 26, "only the centre voxel is interior")
    }

    /// Model 50 Gy everywhere; Monte Carlo 45 Gy in the shell and 50 Gy inside: edge mismatch (45 − 50)/45 = −0.1111,
    /// interior 0, D95 45 vs 50 Gy, the coldest 5 % (4 voxels) all in the shell, shell fraction 56/64 (1e-12).
    /// Swapping the roles of the doses flips the signs; doses of the wrong size and an empty target are rejected.
    @Test func coldEdgeShowsInTheEdgeAndInD95() throws {
        let target = try Self.cube()
        let edge = TargetModelMismatch.edgeShell(target)
        let model = [Double](repeating: 50, count: target.voxels.count)
        let monteCarlo = edge.map { $0 ? 45.0 : 50 }
        let m = try TargetModelMismatch(monteCarloGy: monteCarlo, modelGy: model, target: target)
        #expect(abs(m.edgeRelative - (45 - 50) / 45) < 1e-12)
        #expect(abs(m.interiorRelative) < 1e-12)
        #expect(m.monteCarloD95Gy == 45 && m.modelD95Gy == 50)
        #expect(m.coldestEdgeShare == 1 && abs(m.edgeFraction - 56.0 / 64) < 1e-12)
        let swapped = try TargetModelMismatch(monteCarloGy: model, modelGy: monteCarlo, target: target)
        #expect(abs(swapped.edgeRelative - 0.1) < 1e-12 && swapped.monteCarloD95Gy == 50 && swapped.modelD95Gy == 45)
        #expect(throws: PlanningError.self) { try TargetModelMismatch(monteCarloGy: [1], modelGy: model, target: target) }
        let empty = try MaskVolume(grid: target.grid, voxels: [UInt8](repeating: 0, count: target.voxels.count))
        #expect(throws: PlanningError.self) { try TargetModelMismatch(monteCarloGy: model, modelGy: model, target: empty) }
    }

    /// A cold interior (40 Gy in the 8 interior voxels) puts no edge voxel among the coldest 5 %.
    @Test func coldInteriorIsNotBlamedOnTheEdge() throws {
        let target = try Self.cube()
        let edge = TargetModelMismatch.edgeShell(target)
        let monteCarlo = (0..<target.voxels.count).map { target.voxels[$0] != 0 && !edge[$0] ? 40.0 : 50 }
        let m = try TargetModelMismatch(monteCarloGy: monteCarlo, modelGy: [Double](repeating: 50, count: monteCarlo.count), target: target)
        #expect(m.coldestEdgeShare == 0 && abs(m.edgeRelative) < 1e-12 && abs(m.interiorRelative - (40 - 50) / 40.0) < 1e-12)
    }
}
