import Core
@testable import Dose
import Testing

/// CSC assembly and dose / uncertainty of weighted beamlets.
struct InfluenceMatrixTests {
    static let grid = try! Grid(nx: 4, ny: 2, nz: 1, spacingMM: SIMD3(repeating: 1))

    static func column(_ id: Int, _ rows: [Int32], _ dose: [Float], _ sd: [Float]) -> BeamletColumn {
        BeamletColumn(beamletID: id, rowIndices: rows, doseGy: dose, uncertaintyGy: sd, bookkeeping: EnergyBookkeeping())
    }

    @Test("Columns given out of order land by beamlet id; absent ids are empty; D·w and √Σw²σ² match a dense reference")
    func assembly() throws {
        let cols = [Self.column(2, [1, 5], [2, 4], [0.3, 0.4]), Self.column(0, [0, 1, 7], [1, 1, 3], [0.1, 0.2, 0.5])]
        let m = try InfluenceMatrix(grid: Self.grid, columnCount: 4, columns: cols)
        #expect(m.columnPointers == [0, 3, 3, 5, 5])
        #expect(m.rowIndices == [0, 1, 7, 1, 5])
        #expect(m.nonZeroCount == 5)
        #expect(Array(m.column(2).rows) == [1, 5] && Array(m.column(2).uncertaintyGy) == [0.3, 0.4] && m.column(1).rows.isEmpty)
        let w = [2.0, 7.0, 0.5, 1.0]
        let dose = try m.dose(weights: w)
        #expect(dose.voxels == [2, 3, 0, 0, 0, 2, 0, 6])
        let sd = try m.doseUncertainty(weights: w)
        #expect(abs(Double(sd.voxels[1]) - (0.04 * 4 + 0.09 * 0.25).squareRoot()) < 1e-6)
        #expect(throws: DoseError.self) { try InfluenceMatrix(grid: Self.grid, columnCount: 2, columns: cols) }
        #expect(throws: DoseError.self) { try InfluenceMatrix(grid: Self.grid, columnCount: 4, columns: cols + [cols[0]]) }
        #expect(throws: DoseError.self) { try m.dose(weights: [1]) }
    }

    @Test("Batch standard error agrees with the spread over 8 independent seeds (ratio of RMS values within 0.7…1.4)")
    func uncertaintyMatchesSeedSpread() throws {
        let (patient, geometry) = try ReproducibilityTests.setup()
        var calc = try BeamletDoseCalculator(patient: patient, geometry: geometry)
        let seeds = 8, histories = 1000
        let runs = try (0..<seeds).map { try calc.column(beamletID: 0, seed: UInt64(1000 + $0), histories: histories, thresholdRelative: 0) }
        var perVoxel: [Int32: [Float]] = [:], reported: [Int32: [Float]] = [:]
        for r in runs { for (n, row) in r.rowIndices.enumerated() { perVoxel[row, default: []].append(r.doseGy[n]); reported[row, default: []].append(r.uncertaintyGy[n]) } }
        let maxDose = runs.map(\.maximumDoseGy).max()!
        var spread2 = 0.0, reported2 = 0.0, voxels = 0
        for (row, values) in perVoxel where values.count == seeds {
            let mean = values.reduce(0, +) / Float(seeds)
            guard mean > 0.3 * maxDose else { continue }
            spread2 += Double(values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }) / Double(seeds - 1)
            reported2 += Double(reported[row]!.reduce(0) { $0 + $1 * $1 }) / Double(seeds)
            voxels += 1
        }
        #expect(voxels >= 3)
        let ratio = (reported2 / spread2).squareRoot()
        #expect(ratio > 0.7 && ratio < 1.4, "reported / observed standard deviation \(ratio) over \(voxels) voxels")
    }
}
