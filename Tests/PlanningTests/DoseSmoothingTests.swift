import Core
import Dose
import Testing
@testable import Planning

/// Gaussian smoothing of beamlet columns and dose volumes against a direct 3D convolution, its
/// conservation of dose, its propagation of standard errors and its effect on independent noise.
@Suite struct DoseSmoothingTests {
    let grid = try! Grid(nx: 9, ny: 8, nz: 7, spacingMM: SIMD3(3, 2, 2.5), originMM: SIMD3(-12, -7, -7.5))

    /// Direct (non-separable loop, no scratch) convolution with the same truncated kernel.
    func reference(_ dose: [Float], _ s: DoseSmoothing) -> [Double] {
        var out = [Double](repeating: 0, count: grid.voxelCount)
        let r = s.radius
        for k in 0..<grid.nz { for j in 0..<grid.ny { for i in 0..<grid.nx {
            let v = Double(dose[grid.index(i, j, k)])
            if v == 0 { continue }
            for dk in -r.z...r.z { for dj in -r.y...r.y { for di in -r.x...r.x {
                let (a, b, c) = (i + di, j + dj, k + dk)
                guard a >= 0, a < grid.nx, b >= 0, b < grid.ny, c >= 0, c < grid.nz else { continue }
                out[grid.index(a, b, c)] += v * Double(s.weights[0][di + r.x]) * Double(s.weights[1][dj + r.y]) * Double(s.weights[2][dk + r.z])
            } } }
        } } }
        return out
    }

    func randomDose(seed: UInt64, fraction: Double) -> [Float] {
        var rng = RandomStream(seed: seed, stream: 0)
        return (0..<grid.voxelCount).map { _ in rng.uniform() < fraction ? Float(rng.uniform() * 2) : 0 }
    }

    @Test func volumeMatchesDirectConvolution() throws {
        let s = try DoseSmoothing(grid: grid, sigmaMM: 3)
        #expect(s.radius == SIMD3(2, 3, 2))
        let dose = randomDose(seed: 3, fraction: 0.2)
        let smoothed = try s.smooth(try DoseVolume(grid: grid, voxels: dose)).voxels
        let expected = reference(dose, s)
        // Float accumulation of ≤ 175 terms: 1e-5 Gy absolute on doses ≤ 2 Gy.
        #expect(zip(smoothed, expected).allSatisfy { abs(Double($0) - $1) <= 1e-5 })
    }

    @Test func interiorPointKeepsItsDoseAndSpreadsItsError() throws {
        let s = try DoseSmoothing(grid: grid, sigmaMM: 2.5)
        let centre = Int32(grid.index(4, 4, 3))
        let column = BeamletColumn(beamletID: 0, rowIndices: [centre], doseGy: [2], uncertaintyGy: [0.5], bookkeeping: EnergyBookkeeping())
        let out = s.smooth(column, thresholdRelative: 0, workspace: DoseSmoothingWorkspace(voxelCount: grid.voxelCount))
        // Kernel weights sum to 1 per axis: the total dose stays 2 Gy (float rounding, 1e-5).
        #expect(abs(out.doseGy.reduce(0, +) - 2) <= 1e-5)
        #expect(out.rowIndices == out.rowIndices.sorted() && out.rowIndices.count == 3 * 5 * 5)
        // σ_out = weight × σ_in, dose_out = weight × dose_in: their ratio is 0.25 everywhere (1e-6 relative).
        #expect(zip(out.doseGy, out.uncertaintyGy).allSatisfy { abs($1 / $0 - 0.25) <= 1e-6 })
        // √Σ σ² = σ_in × noise factor.
        let spread = out.uncertaintyGy.reduce(0) { $0 + Double($1 * $1) }.squareRoot()
        #expect(abs(spread - 0.5 * s.noiseFactor) <= 1e-6)
    }

    @Test func independentNoiseShrinksByTheNoiseFactor() throws {
        let big = try Grid(nx: 40, ny: 40, nz: 40, spacingMM: SIMD3(repeating: 3), originMM: .zero)
        let s = try DoseSmoothing(grid: big, sigmaMM: 3)
        var rng = RandomStream(seed: 11, stream: 0)
        let noisy = (0..<big.voxelCount).map { _ in Float(10 + rng.normal()) }
        let smoothed = try s.smooth(try DoseVolume(grid: big, voxels: noisy)).voxels
        // Interior voxels (2 voxels from every face): mean 10 kept, σ 1 → noise factor (0.154 for σ = h).
        var values: [Double] = []
        for k in 2..<38 { for j in 2..<38 { for i in 2..<38 { values.append(Double(smoothed[big.index(i, j, k)])) } } }
        let mean = values.reduce(0, +) / Double(values.count)
        let sd = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)).squareRoot()
        #expect(abs(mean - 10) < 0.01)
        #expect(abs(s.noiseFactor - 0.154) < 0.001)
        // 46 656 correlated samples: the sample σ is within 5 % of the prediction.
        #expect(abs(sd / s.noiseFactor - 1) < 0.05, "σ \(sd), predicted \(s.noiseFactor)")
    }

    @Test func matrixColumnsMatchSingleColumnsForAnyThreadCount() throws {
        let s = try DoseSmoothing(grid: grid, sigmaMM: 3)
        let columns = (0..<5).map { j -> BeamletColumn in
            let dose = randomDose(seed: UInt64(20 + j), fraction: 0.05)
            let rows = dose.indices.filter { dose[$0] != 0 }
            return BeamletColumn(beamletID: j, rowIndices: rows.map { Int32($0) }, doseGy: rows.map { dose[$0] },
                                 uncertaintyGy: rows.map { dose[$0] / 10 }, bookkeeping: EnergyBookkeeping())
        }
        let matrix = try Dose.InfluenceMatrix(grid: grid, columnCount: 5, columns: columns)
        let one = try s.smooth(matrix, thresholdRelative: 0.01, threads: 1)
        let three = try s.smooth(matrix, thresholdRelative: 0.01, threads: 3)
        #expect(one == three)
        let workspace = DoseSmoothingWorkspace(voxelCount: grid.voxelCount)
        for j in 0..<5 {
            let single = s.smooth(columns[j], thresholdRelative: 0.01, workspace: workspace)
            let c = one.column(j)
            #expect(Array(c.rows) == single.rowIndices && Array(c.doseGy) == single.doseGy)
            // Threshold: every kept entry is ≥ 1 % of the column's maximum.
            #expect(single.doseGy.allSatisfy { $0 >= 0.01 * single.maximumDoseGy })
        }
    }

    @Test func zeroSigmaIsIdentityAndNegativeIsRejected() throws {
        let s = try DoseSmoothing(grid: grid, sigmaMM: 0)
        let dose = randomDose(seed: 5, fraction: 0.3)
        #expect(try s.smooth(try DoseVolume(grid: grid, voxels: dose)).voxels == dose)
        #expect(s.noiseFactor == 1)
        #expect(throws: PlanningError.self) { try DoseSmoothing(grid: grid, sigmaMM: -1) }
    }
}
