import Core
import Dose
import Jobs
import Phantoms
import Planning
import Testing

/// The forward dose of a plan's recomputations: per-batch weighted sums and their in-order total.
@Suite struct PartialDoseTests {
    static func column(_ id: Int, _ rows: [Int32], _ dose: [Float], _ sigma: [Float]) -> BeamletColumn {
        var balance = EnergyBookkeeping()
        balance.histories = 10
        balance.emittedMeV = 5
        return BeamletColumn(beamletID: id, rowIndices: rows, doseGy: dose, uncertaintyGy: sigma, bookkeeping: balance)
    }

    /// Hand-computed: voxel 1 = 2·1 + 0.5·4 = 4 Gy, variance (2·0.5)² + (0.5·2)² = 2 Gy²; the rows are the union,
    /// ascending; the bookkeeping is summed.
    @Test func sumsTheWeightedColumns() throws {
        let p = try PartialDose(columns: [Self.column(0, [3, 1], [2, 1], [1, 0.5]), Self.column(1, [1], [4], [2])],
                                weights: [2, 0.5], voxelCount: 5)
        #expect(p.rows == [1, 3])
        #expect(p.doseGy == [4, 4])
        #expect(p.varianceGy2 == [2, 4])
        #expect(p.bookkeeping.histories == 20 && p.bookkeeping.emittedMeV == 10)
    }

    @Test func rejectsBadWeightsAndRows() throws {
        let c = Self.column(0, [1], [1], [0.1])
        #expect(throws: PlanningError.self) { try PartialDose(columns: [c], weights: [], voxelCount: 5) }
        #expect(throws: PlanningError.self) { try PartialDose(columns: [c], weights: [-1], voxelCount: 5) }
        #expect(throws: PlanningError.self) { try PartialDose(columns: [c], weights: [.nan], voxelCount: 5) }
        #expect(throws: PlanningError.self) { try PartialDose(columns: [c], weights: [1], voxelCount: 1) }
    }

    /// Two partials added in order: dose 1 + 3 = 4 Gy in voxel 0, σ = √(1 + 8) = 3 Gy; malformed partials are named.
    @Test func forwardDoseAddsPartials() throws {
        let grid = try Grid(nx: 2, ny: 1, nz: 1, spacingMM: SIMD3(1, 1, 1), originMM: .zero)
        let a = PartialDose(rows: [0], doseGy: [1], varianceGy2: [1], bookkeeping: EnergyBookkeeping())
        let b = PartialDose(rows: [0, 1], doseGy: [3, 2], varianceGy2: [8, 4], bookkeeping: EnergyBookkeeping())
        let forward = try ForwardDose(grid: grid, partials: [a, b])
        #expect(forward.doseGy.voxels == [4, 2])
        #expect(forward.uncertaintyGy.voxels == [3, 2])
        let short = PartialDose(rows: [0, 1], doseGy: [1], varianceGy2: [1, 1], bookkeeping: EnergyBookkeeping())
        #expect(throws: PlanningError.self) { try ForwardDose(grid: grid, partials: [short]) }
        let outside = PartialDose(rows: [2], doseGy: [1], varianceGy2: [1], bookkeeping: EnergyBookkeeping())
        #expect(throws: PlanningError.self) { try ForwardDose(grid: grid, partials: [outside]) }
    }

    /// Mean σ/D over a mask's dosed voxels, by hand: voxels 0 and 2 in the mask (σ/D 0.75 and 0.5), voxel 1 outside,
    /// voxel 3 in the mask without dose (left out): (0.75 + 0.5) / 2; a mask on another grid is rejected.
    @Test func meanRelativeUncertaintyInAMask() throws {
        let grid = try Grid(nx: 4, ny: 1, nz: 1, spacingMM: SIMD3(1, 1, 1), originMM: .zero)
        let p = PartialDose(rows: [0, 1, 2], doseGy: [4, 1, 2], varianceGy2: [9, 1, 1], bookkeeping: EnergyBookkeeping())
        let forward = try ForwardDose(grid: grid, partials: [p])
        #expect(try forward.meanRelativeUncertainty(in: MaskVolume(grid: grid, voxels: [1, 0, 1, 1])) == 0.625)
        #expect(try forward.meanRelativeUncertainty(in: MaskVolume(grid: grid, voxels: [0, 0, 0, 1])) == 0)
        let other = try Grid(nx: 2, ny: 2, nz: 1, spacingMM: SIMD3(1, 1, 1), originMM: .zero)
        #expect(throws: PlanningError.self) { try forward.meanRelativeUncertainty(in: MaskVolume(grid: other, voxels: [1, 1, 1, 1])) }
    }

    static func waterBatches(seed: UInt64, histories: Int, batches: Int) throws -> (DoseSetup, [BeamletBatch]) {
        let phantom = try PhantomFactory.water(shape: .box(sizeMM: SIMD3(repeating: 40)), size: PhantomSize(nx: 16, ny: 16, nz: 12),
                                               spacingMM: SIMD3(repeating: 4))
        let spec = DoseCalculationSpec(target: nil, openField: OpenFieldSpec(fieldMM: SIMD2(10, 10), ssdMM: nil),
                                       beams: BeamSetSpec(gantryDeg: [0, 90], isocentreMM: .zero), doseGridSpacingMM: SIMD3(repeating: 4),
                                       historiesPerBeamlet: histories, uncertaintyBatches: batches, storeInfluenceMatrix: false)
        let setup = try DoseSetup(spec: spec, seed: seed, ct: phantom.ct, structures: [:])
        let all = try BeamletBatch(patient: setup.patient, geometry: setup.geometry, beamletIDs: 0..<setup.geometry.beamlets.count,
                                   statistics: setup.statistics)
        return (setup, try BeamletBatch.batches(of: setup) + [all])
    }

    /// A batch's forward dose, scored in one tally (``BeamletDoseCalculator/forwardDose(_:seed:batches:_:)``), runs the
    /// very histories of its columns: on the same rows it equals Σ_j w_j d_j of the threshold-free columns to the
    /// columns' float rounding (1e-6 relative), batch after batch with one reused calculator and scratch (clear in
    /// between and after a failing batch, the same bits as a fresh calculator). Its batch variance estimates the same quantity as Σ_j (w_j σ_j)²:
    /// summed over the voxels the two agree within 25 % (measured 0.98 for the 8-beamlet batch; 1 to 1e-8 for one beamlet).
    @Test func simulatedBatchMatchesTheSumOfItsColumns() throws {
        let (setup, batches) = try Self.waterBatches(seed: 7, histories: 300, batches: 10)
        #expect(!batches.isEmpty)
        var calculator = try batches[0].makeCalculator()
        var scratch = PartialDoseScratch()
        for batch in batches + batches {
            let weights = batch.beamletIDs.map { 0.5 + Double($0 % 3) }
            let direct = try batch.partialDose(weights: weights, using: &calculator, scratch: &scratch)
            #expect(scratch.isClear)
            #expect(try direct == batch.partialDose(weights: weights))
            let summed = try PartialDose(columns: batch.columns(thresholdRelative: 0), weights: weights, voxelCount: setup.patient.grid.voxelCount)
            #expect(direct.rows == summed.rows && !direct.rows.isEmpty)
            #expect(zip(direct.doseGy, summed.doseGy).allSatisfy { abs($0 - $1) <= 1e-6 * $1 })
            let ratio = direct.varianceGy2.reduce(0, +) / summed.varianceGy2.reduce(0, +)
            #expect(ratio > 0.75 && ratio < 1.25, "variance of the sum / sum of the variances \(ratio)")
            #expect(direct.bookkeeping.histories == batch.beamletIDs.map(batch.histories(of:)).reduce(0, +))
        }
        // A batch that fails (a negative weight, found before anything is scored) leaves the reused scratch clear.
        let batch = batches.last!
        #expect(throws: PlanningError.self) {
            try batch.partialDose(weights: batch.beamletIDs.map { _ in -1 }, using: &calculator, scratch: &scratch)
        }
        #expect(scratch.isClear)
    }

    /// The forward dose's reported variance agrees with the spread of 24 independent seeds: over the voxels above 20 % of
    /// the maximum, mean reported variance / variance across seeds within 0.75–1.33 (24 seeds: the sample variance of
    /// each voxel has ~30 % noise, averaged over the voxels; measured 0.94).
    @Test func forwardDoseVarianceMatchesTheSpreadOfSeeds() throws {
        var doses: [[Double]] = [], reported: [[Double]] = []
        var rows: [Int32]?
        for seed in 1...24 {
            let (setup, batches) = try Self.waterBatches(seed: UInt64(seed), histories: 200, batches: 8)
            var dose = [Double](repeating: 0, count: setup.patient.grid.voxelCount), variance = dose
            let batch = batches.last!  // all 8 beamlets
            let p = try batch.partialDose(weights: batch.beamletIDs.map { _ in 1 })
            for (n, r) in p.rows.enumerated() { dose[Int(r)] = p.doseGy[n]; variance[Int(r)] = p.varianceGy2[n] }
            doses.append(dose); reported.append(variance)
            rows = rows ?? p.rows
        }
        let peak = doses.map { $0.max()! }.reduce(0, +) / 24
        var sampleSum = 0.0, reportedSum = 0.0
        for v in 0..<doses[0].count {
            let values = doses.map { $0[v] }
            let mean = values.reduce(0, +) / 24
            guard mean > 0.2 * peak else { continue }
            sampleSum += values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 23
            reportedSum += reported.map { $0[v] }.reduce(0, +) / 24
        }
        #expect(sampleSum > 0 && rows != nil)
        let ratio = reportedSum / sampleSum
        #expect(ratio > 0.75 && ratio < 1.33, "reported / sampled variance \(ratio)")
    }
}
