import Core

/// The patient as the transport sees it: mass density and material per voxel of the dose grid.
///
/// Transport and scoring share this grid (the dose grid, which may be coarser than the CT). The
/// world outside it is vacuum: particles leaving it escape, so the grid must enclose the patient.
public struct PatientModel: Sendable {
    /// The dose grid.
    public let grid: Grid
    /// Mass density in g/cm³ per voxel (z-major), > 0.
    public let densityGPerCC: [Double]
    /// Material per voxel (z-major).
    public let materials: [Material]
    /// Density × electron density ratio per voxel: the factor on water's coefficients and stopping power.
    let attenuationScale: [Double]

    /// A model from explicit densities and materials on `grid`.
    public init(grid: Grid, densityGPerCC: [Double], materials: [Material]) throws {
        guard densityGPerCC.count == grid.voxelCount, materials.count == grid.voxelCount else {
            throw CoreError.sizeMismatch(expected: grid.voxelCount, got: min(densityGPerCC.count, materials.count))
        }
        guard densityGPerCC.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw DoseError.invalidParameter("densities must be finite and positive")
        }
        self.grid = grid
        self.densityGPerCC = densityGPerCC
        self.materials = materials
        self.attenuationScale = zip(densityGPerCC, materials).map { $0 * $1.electronDensityRatio }
    }

    /// A model from a CT resampled onto `doseGrid`: each dose voxel averages the density of
    /// `subsamples`³ points spread evenly inside it (nearest CT voxel; air of the calibration's
    /// lowest density outside the CT) and takes the most frequent material of those points.
    public init(ct: CTVolume, calibration: CTCalibration = .schneider2000, doseGrid: Grid, subsamples: Int = 3) throws {
        guard subsamples >= 1 else { throw DoseError.invalidParameter("subsamples must be ≥ 1, got \(subsamples)") }
        let ctGrid = ct.grid
        let airHU = -1000.0
        var lutDensity = [Double](repeating: 0, count: 65536)
        var lutMaterial = [Material](repeating: .air, count: 65536)
        for raw in 0..<65536 {
            let hu = Double(Int16(truncatingIfNeeded: raw))
            lutDensity[raw] = calibration.densityGPerCC(hu: hu)
            lutMaterial[raw] = calibration.material(hu: hu)
        }
        var density = [Double](repeating: 0, count: doseGrid.voxelCount)
        var material = [Material](repeating: .air, count: doseGrid.voxelCount)
        let offsets = (0..<subsamples).map { (Double($0) + 0.5) / Double(subsamples) - 0.5 }
        let voxels = ct.voxels
        for k in 0..<doseGrid.nz {
            for j in 0..<doseGrid.ny {
                for i in 0..<doseGrid.nx {
                    var sum = 0.0
                    var votes = [Int](repeating: 0, count: Material.allCases.count)
                    for oz in offsets {
                        for oy in offsets {
                            for ox in offsets {
                                let p = doseGrid.position(i, j, k) + SIMD3(ox, oy, oz) * doseGrid.spacingMM
                                let c = (ctGrid.voxelCoordinates(of: p)).rounded(.toNearestOrAwayFromZero)
                                let (ci, cj, ck) = (Int(c.x), Int(c.y), Int(c.z))
                                let raw: Int
                                if ctGrid.contains(ci, cj, ck) {
                                    raw = Int(UInt16(bitPattern: voxels[ctGrid.index(ci, cj, ck)]))
                                } else {
                                    raw = Int(UInt16(bitPattern: Int16(airHU)))
                                }
                                sum += lutDensity[raw]
                                votes[Int(lutMaterial[raw].rawValue)] += 1
                            }
                        }
                    }
                    let n = doseGrid.index(i, j, k)
                    density[n] = sum / Double(subsamples * subsamples * subsamples)
                    material[n] = Material(rawValue: UInt8(votes.indices.max { votes[$0] < votes[$1] }!))!
                }
            }
        }
        try self.init(grid: doseGrid, densityGPerCC: density, materials: material)
    }

    /// A dose grid with spacing `spacingMM` covering the extent of `ctGrid` (voxel edges to voxel
    /// edges), centred on it; each dimension is the CT extent divided by the spacing, rounded up.
    public static func doseGrid(covering ctGrid: Grid, spacingMM: SIMD3<Double>) throws -> Grid {
        let extent = ctGrid.spacingMM * SIMD3(Double(ctGrid.nx), Double(ctGrid.ny), Double(ctGrid.nz))
        let n = (extent / spacingMM - 1e-9).rounded(.up)
        let centre = ctGrid.originMM + ctGrid.spacingMM * SIMD3(Double(ctGrid.nx - 1), Double(ctGrid.ny - 1), Double(ctGrid.nz - 1)) / 2
        let origin = centre - spacingMM * (n - 1) / 2
        return try Grid(nx: Int(n.x), ny: Int(n.y), nz: Int(n.z), spacingMM: spacingMM, originMM: origin)
    }
}
