import Core
@testable import Dose
import Testing

/// CT → patient model on a coarser dose grid.
struct PatientModelTests {
    @Test("Dose grid covers the CT extent with its own spacing, centred on the CT")
    func doseGridGeometry() throws {
        let ct = try Grid(nx: 12, ny: 10, nz: 7, spacingMM: SIMD3(1, 1, 2), originMM: SIMD3(-5.5, 0, 10))
        let dose = try PatientModel.doseGrid(covering: ct, spacingMM: SIMD3(repeating: 3))
        #expect(dose.nx == 4 && dose.ny == 4 && dose.nz == 5)
        // CT centre (0, 4.5, 16); edges of the dose grid enclose the CT edges.
        #expect(abs(dose.originMM.x - (0 - 4.5)) < 1e-9 && abs(dose.originMM.y - (4.5 - 4.5)) < 1e-9 && abs(dose.originMM.z - (16 - 6)) < 1e-9)
    }

    @Test("Resampling 1 mm water | bone CT onto 3 mm: pure voxels keep the table density, outside is air, majority material")
    func resampling() throws {
        let grid = try Grid(nx: 12, ny: 6, nz: 6, spacingMM: SIMD3(repeating: 1), originMM: .zero)
        var ct = CTVolume(grid: grid, repeating: 0)
        for k in 0..<6 { for j in 0..<6 { for i in 7..<12 { ct[i, j, k] = 1000 } } }
        let doseGrid = try Grid(nx: 5, ny: 2, nz: 2, spacingMM: SIMD3(repeating: 3), originMM: SIMD3(1, 1, 1))
        let model = try PatientModel(ct: ct, calibration: .schneider2000, doseGrid: doseGrid)
        let water = CTCalibration.schneider2000.densityGPerCC(hu: 0), bone = CTCalibration.schneider2000.densityGPerCC(hu: 1000)
        #expect(abs(model.densityGPerCC[doseGrid.index(0, 0, 0)] - water) < 1e-12)
        #expect(abs(model.densityGPerCC[doseGrid.index(3, 1, 1)] - bone) < 1e-12)
        #expect(model.materials[doseGrid.index(0, 0, 0)] == .softTissue && model.materials[doseGrid.index(3, 0, 0)] == .bone)
        // Voxel 2 (subsamples at x = 6, 7, 8 mm): one water column, two bone columns.
        #expect(abs(model.densityGPerCC[doseGrid.index(2, 0, 0)] - (water + 2 * bone) / 3) < 1e-12)
        #expect(model.materials[doseGrid.index(2, 0, 0)] == .bone)
        // Voxel 4 (subsamples at x = 12, 13, 14 mm) lies outside the CT: air.
        let air = CTCalibration.schneider2000.densityGPerCC(hu: -1000)
        #expect(abs(model.densityGPerCC[doseGrid.index(4, 0, 0)] - air) < 1e-12)
        #expect(model.materials[doseGrid.index(4, 0, 0)] == .air)
        #expect(throws: (any Error).self) { try PatientModel(grid: doseGrid, densityGPerCC: [1], materials: [.softTissue]) }
    }

    /// The per-axis tables and threads give bitwise the model of the point-by-point definition (each subsample's CT
    /// voxel found from its position; air outside; majority material, ties to the lower code) on a random CT whose
    /// dose grid overhangs it, with 1 and 3 threads.
    @Test func resamplingMatchesThePointByPointDefinition() throws {
        let grid = try Grid(nx: 13, ny: 9, nz: 7, spacingMM: SIMD3(1.1, 0.9, 2.5), originMM: SIMD3(-3, 2, 7))
        var rng = RandomStream(seed: 42)
        let ct = try CTVolume(grid: grid, voxels: (0..<grid.voxelCount).map { _ in Int16(Int(rng.next() % 2501) - 1000) })
        let doseGrid = try Grid(nx: 6, ny: 5, nz: 4, spacingMM: SIMD3(2.7, 2.2, 4.1), originMM: SIMD3(-4, 1.5, 5))
        let calibration = CTCalibration.schneider2000
        var density = [Double](), materials = [Material]()
        for k in 0..<doseGrid.nz {
            for j in 0..<doseGrid.ny {
                for i in 0..<doseGrid.nx {
                    var sum = 0.0
                    var votes = [Int](repeating: 0, count: 4)
                    let offsets = (0..<3).map { (Double($0) + 0.5) / 3 - 0.5 }
                    for oz in offsets { for oy in offsets { for ox in offsets {
                        let c = grid.voxelCoordinates(of: doseGrid.position(i, j, k) + SIMD3(ox, oy, oz) * doseGrid.spacingMM)
                            .rounded(.toNearestOrAwayFromZero)
                        let hu = grid.contains(Int(c.x), Int(c.y), Int(c.z)) ? Double(ct[Int(c.x), Int(c.y), Int(c.z)]) : -1000
                        sum += calibration.densityGPerCC(hu: hu)
                        votes[Int(calibration.material(hu: hu).rawValue)] += 1
                    } } }
                    density.append(sum / 27)
                    materials.append(Material(rawValue: UInt8(votes.indices.max { votes[$0] < votes[$1] }!))!)
                }
            }
        }
        for threads in [1, 3] {
            let model = try PatientModel(ct: ct, calibration: calibration, doseGrid: doseGrid, threads: threads)
            #expect(model.densityGPerCC == density && model.materials == materials, "\(threads) threads")
        }
    }
}
