import Core
import Dose
import Foundation

/// Gaussian smoothing of Monte Carlo dose on the dose grid, which suppresses the statistical noise of
/// dose volumes and beamlet columns.
///
/// The Gaussian of standard deviation `sigmaMM` is separable, truncated at 2σ on each axis, with weights
/// normalised to 1 per axis; it divides noise that is independent between voxels by 1/``noiseFactor``
/// (6.5 for σ = h = 3 mm) and blurs dose gradients by σ. Smoothing is linear: a smoothed matrix gives the
/// smoothed dose of any weights. Standard errors are propagated with the squared weights.
///
/// Meant for a final Monte Carlo dose. Smoothing the optimisation matrix makes its noise correlated
/// between voxels, and the optimiser then fits it: on TG-119 the model dose became homogeneous while the
/// true dose of the fluence did not (benchmarks/results/planning-2026-11-27.md).
public struct DoseSmoothing: Sendable, Equatable {
    /// The dose grid.
    public let grid: Grid
    /// Standard deviation of the Gaussian, mm (0 leaves doses unchanged).
    public let sigmaMM: Double
    /// Kernel weights per axis (x, y, z), index = offset + radius.
    let weights: [[Float]]

    /// Kernel of `sigmaMM` (≥ 0, finite) on `grid`.
    /// - Throws: ``PlanningError`` for a negative or non-finite sigma.
    public init(grid: Grid, sigmaMM: Double) throws {
        guard sigmaMM >= 0, sigmaMM.isFinite else { throw PlanningError("smoothing sigma must be ≥ 0 mm, got \(sigmaMM)") }
        self.grid = grid
        self.sigmaMM = sigmaMM
        self.weights = (0..<3).map { a in
            guard sigmaMM > 0 else { return [1] }
            let h = grid.spacingMM[a]
            let radius = Int((2 * sigmaMM / h + 1e-9).rounded(.down))
            let raw = (-radius...radius).map { d in exp(-(Double(d) * h) * (Double(d) * h) / (2 * sigmaMM * sigmaMM)) }
            let sum = raw.reduce(0, +)
            return raw.map { Float($0 / sum) }
        }
    }

    /// Kernel half-widths in voxels (x, y, z).
    var radius: SIMD3<Int> { SIMD3(weights[0].count / 2, weights[1].count / 2, weights[2].count / 2) }

    /// Factor by which the kernel divides the standard error of noise independent between voxels: √Σ k².
    public var noiseFactor: Double {
        weights.reduce(1.0) { $0 * Double($1.reduce(Float(0)) { $0 + $1 * $1 }) }.squareRoot()
    }

    /// The smoothed dose volume (dose leaving the grid is dropped).
    public func smooth(_ dose: DoseVolume) throws -> DoseVolume {
        precondition(dose.grid == grid, "dose on \(dose.grid), smoothing on \(grid)")
        var rows: [Int32] = [], values: [Float] = []
        for (i, v) in dose.voxels.enumerated() where v != 0 { rows.append(Int32(i)); values.append(v) }
        let column = BeamletColumn(beamletID: 0, rowIndices: rows, doseGy: values, uncertaintyGy: [Float](repeating: 0, count: rows.count),
                                   bookkeeping: EnergyBookkeeping())
        let workspace = DoseSmoothingWorkspace(voxelCount: grid.voxelCount)
        let smoothed = smooth(column, thresholdRelative: 0, workspace: workspace)
        var out = [Float](repeating: 0, count: grid.voxelCount)
        for (r, v) in zip(smoothed.rowIndices, smoothed.doseGy) { out[Int(r)] = v }
        return try DoseVolume(grid: grid, voxels: out)
    }

    /// Every column smoothed, entries below `thresholdRelative` of the smoothed column's maximum dropped;
    /// columns are spread over `threads` workers (the result does not depend on their number).
    public func smooth(_ matrix: Dose.InfluenceMatrix, thresholdRelative: Double, threads: Int = 1) throws -> Dose.InfluenceMatrix {
        precondition(matrix.grid == grid, "matrix on \(matrix.grid), smoothing on \(grid)")
        let count = matrix.columnCount, workers = max(1, min(threads, count))
        let results = ColumnSlots(count: count)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let workspace = DoseSmoothingWorkspace(voxelCount: grid.voxelCount)
            for j in stride(from: worker, to: count, by: workers) {
                let c = matrix.column(j)
                let column = BeamletColumn(beamletID: j, rowIndices: Array(c.rows), doseGy: Array(c.doseGy),
                                           uncertaintyGy: Array(c.uncertaintyGy), bookkeeping: EnergyBookkeeping())
                results.store(smooth(column, thresholdRelative: thresholdRelative, workspace: workspace), at: j)
            }
        }
        return try Dose.InfluenceMatrix(grid: grid, columnCount: count, columns: results.columns)
    }

    /// One column smoothed (entries scattered into their kernel neighbourhoods), rows increasing.
    func smooth(_ column: BeamletColumn, thresholdRelative: Double, workspace w: DoseSmoothingWorkspace) -> BeamletColumn {
        let r = radius, nx = grid.nx, ny = grid.ny, nz = grid.nz, slice = grid.sliceCount
        let kx = weights[0], ky = weights[1], kz = weights[2]
        w.touched.removeAll(keepingCapacity: true)
        w.dose.withUnsafeMutableBufferPointer { dose in
            w.variance.withUnsafeMutableBufferPointer { variance in
                w.flags.withUnsafeMutableBufferPointer { flags in
                    for (n, row) in column.rowIndices.enumerated() {
                        let v = column.doseGy[n], u = column.uncertaintyGy[n], u2 = u * u
                        let index = Int(row), k = index / slice, j = (index - k * slice) / nx, i = index - k * slice - j * nx
                        for dk in max(-r.z, -k)...min(r.z, nz - 1 - k) {
                            let wz = kz[dk + r.z]
                            for dj in max(-r.y, -j)...min(r.y, ny - 1 - j) {
                                let wzy = wz * ky[dj + r.y]
                                let base = (k + dk) * slice + (j + dj) * nx + i
                                for di in max(-r.x, -i)...min(r.x, nx - 1 - i) {
                                    let weight = wzy * kx[di + r.x], t = base + di
                                    dose[t] += weight * v
                                    variance[t] += weight * weight * u2
                                    if flags[t] == 0 { flags[t] = 1; w.touched.append(Int32(t)) }
                                }
                            }
                        }
                    }
                }
            }
        }
        w.touched.sort()
        var peak: Float = 0
        for t in w.touched { peak = max(peak, w.dose[Int(t)]) }
        let floor = Float(thresholdRelative) * peak
        var rows: [Int32] = [], values: [Float] = [], errors: [Float] = []
        for t in w.touched {
            let i = Int(t)
            if w.dose[i] > 0 && w.dose[i] >= floor { rows.append(t); values.append(w.dose[i]); errors.append(w.variance[i].squareRoot()) }
            w.dose[i] = 0; w.variance[i] = 0; w.flags[i] = 0
        }
        return BeamletColumn(beamletID: column.beamletID, rowIndices: rows, doseGy: values, uncertaintyGy: errors, bookkeeping: column.bookkeeping)
    }
}

/// Dense scratch of one smoothing worker (zero outside the voxels a column touches).
final class DoseSmoothingWorkspace {
    var dose: [Float]
    var variance: [Float]
    var flags: [UInt8]
    var touched: [Int32] = []

    init(voxelCount: Int) {
        dose = [Float](repeating: 0, count: voxelCount)
        variance = [Float](repeating: 0, count: voxelCount)
        flags = [UInt8](repeating: 0, count: voxelCount)
    }
}

/// Results of the smoothing workers, one slot per column (each slot written by one worker).
private final class ColumnSlots: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [BeamletColumn?]

    init(count: Int) { slots = [BeamletColumn?](repeating: nil, count: count) }

    func store(_ column: BeamletColumn, at j: Int) { lock.lock(); slots[j] = column; lock.unlock() }

    var columns: [BeamletColumn] { slots.compactMap { $0 } }
}
