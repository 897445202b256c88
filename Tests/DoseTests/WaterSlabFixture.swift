import Core
@testable import Dose

/// A water box entered by a gantry-0 beam at y = 0, optionally with a slab of another density between two
/// depths, and the central-axis depth dose of a square field simulated as one beamlet (uniform fluence).
struct WaterSlabFixture {
    let patient: PatientModel
    /// Voxel centres along the depth (mm below the surface).
    var depthsMM: [Double] { (0..<patient.grid.ny).map { (Double($0) + 0.5) * patient.grid.spacingMM.y } }

    /// A box `lateralVoxels` × `depthVoxels` × `lateralVoxels` of `lateralMM` × `depthMM` × `lateralMM` voxels,
    /// centred on the beam axis (x = z = 0), surface at y = 0; `slab` replaces water between two depths.
    init(lateralVoxels: Int, depthVoxels: Int, lateralMM: Double, depthMM: Double,
         slab: (fromMM: Double, toMM: Double, densityGPerCC: Double, material: Material)? = nil) throws {
        let half = Double(lateralVoxels - 1) / 2 * lateralMM
        let grid = try Grid(nx: lateralVoxels, ny: depthVoxels, nz: lateralVoxels, spacingMM: SIMD3(lateralMM, depthMM, lateralMM),
                            originMM: SIMD3(-half, depthMM / 2, -half))
        var density = [Double](repeating: 1, count: grid.voxelCount)
        var material = [Material](repeating: .softTissue, count: grid.voxelCount)
        if let slab {
            for k in 0..<grid.nz { for j in 0..<grid.ny where (slab.fromMM..<slab.toMM).contains(grid.position(0, j, 0).y) {
                for i in 0..<grid.nx { density[grid.index(i, j, k)] = slab.densityGPerCC; material[grid.index(i, j, k)] = slab.material }
            } }
        }
        patient = try PatientModel(grid: grid, densityGPerCC: density, materials: material)
    }

    /// Dose per unit weight (Gy) and its standard error along the depth, averaged over the central 2 × 2 voxel
    /// columns (a 4 × 4 cm² region with 20 mm lateral voxels), for a square field of `fieldMM` on the isocentre plane at `isocentreDepthMM` with source-axis
    /// distance `sadMM` (SSD = SAD − isocentre depth).
    func centralAxisDose(fieldMM: Double, sadMM: Double = 1000, isocentreDepthMM: Double = 0, histories: Int,
                         seed: UInt64 = 1) throws -> (doseGy: [Double], errorGy: [Double]) {
        let beam = try Beam(gantryDeg: 0, isocentreMM: SIMD3(0, isocentreDepthMM, 0), sadMM: sadMM)
        let geometry = try BeamGeometry(beams: [beam], beamlets: [Beamlet(id: 0, beamIndex: 0, uMM: 0, vMM: 0, widthMM: fieldMM)],
                                        bixelMM: fieldMM)
        var calc = try BeamletDoseCalculator(patient: patient, geometry: geometry)
        let column = try calc.column(beamletID: 0, seed: seed, histories: histories, thresholdRelative: 0)
        let g = patient.grid
        let centre = [g.nx / 2 - 1, g.nx / 2]
        var dose = [Double](repeating: 0, count: g.ny), variance = [Double](repeating: 0, count: g.ny)
        for (n, row) in column.rowIndices.enumerated() {
            let r = Int(row), i = r % g.nx, j = (r / g.nx) % g.ny, k = r / g.sliceCount
            guard centre.contains(i), centre.contains(k) else { continue }
            dose[j] += Double(column.doseGy[n]) / 4
            variance[j] += Double(column.uncertaintyGy[n]) * Double(column.uncertaintyGy[n]) / 16
        }
        return (dose, variance.map { $0.squareRoot() })
    }

    /// Mean of `values` over the voxels whose centre depth lies in `range` (mm) and its standard error,
    /// treating the voxels' `errors` as independent.
    func mean(_ values: [Double], _ errors: [Double], depthMM range: ClosedRange<Double>) -> (value: Double, error: Double) {
        let js = depthsMM.indices.filter { range.contains(depthsMM[$0]) }
        let n = Double(js.count)
        return (js.reduce(0) { $0 + values[$1] } / n, js.reduce(0) { $0 + errors[$1] * errors[$1] }.squareRoot() / n)
    }

    /// Linear interpolation of a depth curve at `depthMM`.
    func interpolate(_ values: [Double], atDepthMM d: Double) -> Double {
        let x = d / patient.grid.spacingMM.y - 0.5, j = min(max(Int(x), 0), values.count - 2), f = x - Double(j)
        return values[j] * (1 - f) + values[j + 1] * f
    }
}
