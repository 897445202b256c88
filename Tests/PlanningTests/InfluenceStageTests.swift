import Core
import Dose
import Jobs
import Phantoms
import Testing
@testable import Planning

/// Batches, assembly and forward dose on the small water box (8 beamlets of 5 mm, 100 histories each).
@Suite struct InfluenceStageTests {
    static let setup = try! DoseSetup(spec: DoseSetupTests.openField(ssdMM: 1000), seed: 11, ct: DoseSetupTests.phantom.ct,
                                      structures: [:])

    @Test(arguments: [1, 63, 64, 65, 400, 4097, 100_000])
    func batchesCoverEveryBeamletOnce(count: Int) {
        let ranges = BeamletBatches.ranges(beamletCount: count)
        #expect(ranges.flatMap { Array($0) } == Array(0..<count))
        let size = BeamletBatches.batchSize(beamletCount: count)
        #expect(ranges.dropLast().allSatisfy { $0.count == size } && (1...64).contains(size))
        #expect(ranges.count <= max(64, (count + 63) / 64))
    }

    /// Energy balance summed over `columns`.
    static func balance(_ columns: [BeamletColumn]) -> EnergyBookkeeping {
        var total = EnergyBookkeeping()
        for c in columns { total.add(c.bookkeeping) }
        return total
    }

    /// The block of batch `ids` of the set-up.
    static func block(_ ids: Range<Int>) throws -> BeamletColumnBlock {
        try BeamletColumnBlock(columns: BeamletBatch(patient: setup.patient, geometry: setup.geometry, beamletIDs: ids,
                                                     statistics: setup.statistics).columns())
    }

    /// Columns computed in batches assemble into the matrix of one sequential run, with its energy balance.
    @Test func batchedAssemblyEqualsOneSequentialRun() throws {
        let setup = Self.setup
        let batches = try BeamletBatch.batches(of: setup)
        #expect(batches.count == 8 && batches.map(\.beamletIDs) == (0..<8).map { $0..<($0 + 1) })
        let blocks = try batches.map { try BeamletColumnBlock(columns: $0.columns()) }
        var calculator = try BeamletDoseCalculator(patient: setup.patient, geometry: setup.geometry)
        let sequential = try (0..<8).map {
            try calculator.column(beamletID: $0, seed: 11, histories: 100, batches: 2, thresholdRelative: 0.001)
        }
        let assembled = try InfluenceAssembly.matrix(grid: setup.patient.grid, beamletCount: 8, blocks: blocks)
        #expect(assembled == (try InfluenceMatrix(grid: setup.patient.grid, columnCount: 8, columns: sequential)))
        #expect(assembled.nonZeroCount > 0)
        let balance = InfluenceAssembly.bookkeeping(of: blocks)
        #expect(balance == Self.balance(sequential) && balance.histories == 800 && balance.relativeImbalance < 1e-9)
    }

    /// Blocks of several columns give exactly the matrix of the same columns; blocks that skip, repeat or fall
    /// short of the beamlets are refused, as are non-consecutive columns, inconsistent blocks and CSC arrays with
    /// bad pointers, mismatched lengths or rows outside the grid.
    @Test func blockAssemblyChecksTheTiling() throws {
        let setup = Self.setup, grid = setup.patient.grid
        let blocks = [try Self.block(0..<3), try Self.block(3..<4), try Self.block(4..<8)]
        let columns = try BeamletBatch(patient: setup.patient, geometry: setup.geometry, beamletIDs: 0..<8, statistics: setup.statistics).columns()
        #expect(try InfluenceAssembly.matrix(grid: grid, beamletCount: 8, blocks: blocks)
                == InfluenceMatrix(grid: grid, columnCount: 8, columns: columns))
        #expect(throws: PlanningError("a block starts at beamlet 4, expected 3")) {
            try InfluenceAssembly.matrix(grid: grid, beamletCount: 8, blocks: [blocks[0], blocks[2]])
        }
        #expect(throws: PlanningError("a block starts at beamlet 3, expected 4")) {
            try InfluenceAssembly.matrix(grid: grid, beamletCount: 8, blocks: [blocks[0], blocks[1], blocks[1], blocks[2]])
        }
        #expect(throws: PlanningError("the blocks hold 4 of 8 beamlets")) {
            try InfluenceAssembly.matrix(grid: grid, beamletCount: 8, blocks: [blocks[0], blocks[1]])
        }
        #expect(throws: PlanningError.self) { try BeamletColumnBlock(columns: [columns[0], columns[2]]) }
        #expect(throws: PlanningError.self) {
            try BeamletColumnBlock(firstBeamletID: 0, counts: [2], rowIndices: [1], doseGy: [1], uncertaintyGy: [0], bookkeeping: [EnergyBookkeeping()])
        }
        #expect(throws: PlanningError.self) {
            try BeamletBatch(patient: setup.patient, geometry: setup.geometry, beamletIDs: 7..<9, statistics: setup.statistics)
        }
        #expect(throws: DoseError.self) { try InfluenceMatrix(grid: grid, columnPointers: [0, 2, 1], rowIndices: [0], doseGy: [1], uncertaintyGy: [0]) }
        #expect(throws: DoseError.self) { try InfluenceMatrix(grid: grid, columnPointers: [0, 1], rowIndices: [0], doseGy: [], uncertaintyGy: [0]) }
        #expect(throws: DoseError.self) {
            try InfluenceMatrix(grid: grid, columnPointers: [0, 1], rowIndices: [Int32(grid.voxelCount)], doseGy: [1], uncertaintyGy: [0])
        }
    }

    /// D·w and √(Σ w²σ²) against a direct double-precision sum over the columns (float32 output: 1e-6 relative).
    @Test func forwardDoseIsTheWeightedColumnSum() throws {
        let setup = Self.setup
        let columns = try BeamletBatch.batches(of: setup).flatMap { try $0.columns() }
        let matrix = try InfluenceMatrix(grid: setup.patient.grid, columnCount: 8, columns: columns)
        let weights = (0..<8).map { 0.5 + Double($0 % 3) }
        let forward = try ForwardDose(matrix: matrix, weights: weights)
        var dose = [Double](repeating: 0, count: setup.patient.grid.voxelCount), variance = dose
        for c in columns {
            let w = weights[c.beamletID]
            for (n, row) in c.rowIndices.enumerated() {
                dose[Int(row)] += w * Double(c.doseGy[n])
                variance[Int(row)] += w * w * Double(c.uncertaintyGy[n]) * Double(c.uncertaintyGy[n])
            }
        }
        let peak = try #require(dose.max())
        #expect(peak > 0)
        for i in dose.indices {
            #expect(abs(Double(forward.doseGy.voxels[i]) - dose[i]) <= 1e-6 * peak)
            #expect(abs(Double(forward.uncertaintyGy.voxels[i]) - variance[i].squareRoot()) <= 1e-6 * peak)
        }
        #expect(throws: PlanningError.self) { try ForwardDose(matrix: matrix, weights: [Double](repeating: .nan, count: 8)) }
        #expect(throws: PlanningError.self) { try ForwardDose(matrix: matrix, weights: [1]) }
    }
}
