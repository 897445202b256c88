import Core
import Synchronization

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
    /// lowest density outside the CT) and takes the most frequent material of those points (ties: the lower
    /// material code). The nearest CT index of a point is separable per axis, so it is tabulated per axis once;
    /// slices are resampled on up to `threads` threads (disjoint outputs: the same result for any count).
    /// `checkpoint` runs before each slice (on any of the threads) and may throw to stop the resampling (a job
    /// cancelled meanwhile: this loop takes seconds in a debug build); the first error is rethrown.
    public init(ct: CTVolume, calibration: CTCalibration = .schneider2000, doseGrid: Grid, subsamples: Int = 3, threads: Int = 1,
                checkpoint: @Sendable () throws -> Void = {}) throws {
        guard subsamples >= 1 else { throw DoseError.invalidParameter("subsamples must be ≥ 1, got \(subsamples)") }
        let ctGrid = ct.grid
        let airRaw = Int(UInt16(bitPattern: Int16(-1000)))
        var lutDensity = [Double](repeating: 0, count: 65536)
        var lutMaterial = [UInt8](repeating: Material.air.rawValue, count: 65536)
        for raw in 0..<65536 {
            let hu = Double(Int16(truncatingIfNeeded: raw))
            lutDensity[raw] = calibration.densityGPerCC(hu: hu)
            lutMaterial[raw] = calibration.material(hu: hu).rawValue
        }
        let n = subsamples
        let offsets = (0..<n).map { (Double($0) + 0.5) / Double(n) - 0.5 }
        /// Per dose index and subsample along one axis: the nearest CT index, or −1 outside the CT.
        func nearest(_ count: Int, _ a: Int) -> [Int] {
            var out = [Int](repeating: -1, count: count * n)
            for i in 0..<count {
                for (o, offset) in offsets.enumerated() {
                    let p = (doseGrid.originMM[a] + Double(i) * doseGrid.spacingMM[a]) + offset * doseGrid.spacingMM[a]
                    let c = Int(((p - ctGrid.originMM[a]) / ctGrid.spacingMM[a]).rounded(.toNearestOrAwayFromZero))
                    if c >= 0 && c < [ctGrid.nx, ctGrid.ny, ctGrid.nz][a] { out[i * n + o] = c }
                }
            }
            return out
        }
        let xs = nearest(doseGrid.nx, 0), ys = nearest(doseGrid.ny, 1), zs = nearest(doseGrid.nz, 2)
        var density = [Double](repeating: 0, count: doseGrid.voxelCount)
        var material = [UInt8](repeating: 0, count: doseGrid.voxelCount)
        let voxels = ct.voxels, samples = Double(n * n * n)
        let stopped = Mutex<(any Error)?>(nil)
        density.withUnsafeMutableBufferPointer { densityOut in
            material.withUnsafeMutableBufferPointer { materialOut in
                let outputs = (density: densityOut, material: materialOut)
                Concurrent.forEach(doseGrid.nz, threads: threads) { k in
                    guard stopped.withLock({ $0 == nil }) else { return }
                    do {
                        try checkpoint()
                    } catch {
                        stopped.withLock { $0 = $0 ?? error }
                        return
                    }
                    for j in 0..<doseGrid.ny {
                        for i in 0..<doseGrid.nx {
                            var sum = 0.0
                            var votes = SIMD4<Int>.zero
                            for oz in 0..<n {
                                let ck = zs[k * n + oz]
                                for oy in 0..<n {
                                    let cj = ys[j * n + oy]
                                    for ox in 0..<n {
                                        let ci = xs[i * n + ox]
                                        let raw = ci >= 0 && cj >= 0 && ck >= 0
                                            ? Int(UInt16(bitPattern: voxels[(ck * ctGrid.ny + cj) * ctGrid.nx + ci])) : airRaw
                                        sum += lutDensity[raw]
                                        votes[Int(lutMaterial[raw])] += 1
                                    }
                                }
                            }
                            var best = 0
                            for m in 1..<4 where votes[m] > votes[best] { best = m }
                            let v = doseGrid.index(i, j, k)
                            outputs.density[v] = sum / samples
                            outputs.material[v] = UInt8(best)
                        }
                    }
                }
            }
        }
        if let error = stopped.withLock({ $0 }) { throw error }
        try self.init(grid: doseGrid, densityGPerCC: density, materials: material.map { Material(rawValue: $0)! })
    }

    /// A dose grid with spacing `spacingMM` covering the extent of `ctGrid` (voxel edges to voxel
    /// edges), centred on it; each dimension is the CT extent divided by the spacing, rounded up.
    public static func doseGrid(covering ctGrid: Grid, spacingMM: SIMD3<Double>) throws -> Grid {
        let n = SIMD3<Double>(Grid.coveringCounts(SIMD3(ctGrid.nx, ctGrid.ny, ctGrid.nz), spacingMM: ctGrid.spacingMM, at: spacingMM))
        let centre = ctGrid.originMM + ctGrid.spacingMM * SIMD3(Double(ctGrid.nx - 1), Double(ctGrid.ny - 1), Double(ctGrid.nz - 1)) / 2
        let origin = centre - spacingMM * (n - 1) / 2
        return try Grid(nx: Int(n.x), ny: Int(n.y), nz: Int(n.z), spacingMM: spacingMM, originMM: origin)
    }
}
