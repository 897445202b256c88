import Core
import Dose
import Foundation
import Jobs
import Planning
import Store
import Testing
@testable import Cluster

/// The weighted history allocation of a plan's Monte Carlo recomputations, and the
/// smoothed correction, on the water-box plan of ``PlanKindTests`` (pencil-beam matrix, final dose 80 histories).
@Suite struct PlanHistoryAllocationTests {
    /// Weighted final-dose batches: the weighted beamlets only, in order, the allocation's histories per beamlet
    /// (each batch's bookkeeping counts them), the same total as uniform, batches cut by histories, and no column
    /// threshold in the batches' statistics (forward batches keep every entry).
    @Test func weightedFinalDoseBatchesCarryTheAllocation() throws {
        guard case .plan(let plan) = try JobSpec.parse(yaml: PlanKindTests.spec()).work else { throw PlanKindError("not a plan spec") }
        let masks = Dictionary(uniqueKeysWithValues: try PlanKindTests.structures().map { ($0.name, $0.mask) })
        let setup = try DoseSetup(spec: plan.dose, seed: 11, ct: PlanKindTests.phantom.ct, structures: masks)
        let n = setup.geometry.beamlets.count
        let weights: [Double] = (0..<n).map { (j: Int) -> Double in
            let skew = Double((j * j) % 17)
            return j % 5 < 2 ? 0 : skew + 0.01
        }
        let stage = try PlanFinalDose(setup: setup, shared: SharedBeamletFields(patient: setup.patient, geometry: setup.geometry), weights: weights, historiesPerBeamlet: 80, seedOffset: PlanFinalDose.finalSeedOffset,
                                      allocation: .weighted)
        let active = (0..<n).filter { weights[$0] > 0 }
        let expected = try BeamletHistoryAllocation.weighted(weights: active.map { weights[$0] }, meanHistories: 80,
                                                             minimumHistories: setup.statistics.uncertaintyBatches)
        #expect(stage.batches.flatMap { b in b.beamletIDs.filter { b.histories(of: $0) > 0 } } == active)
        #expect(stage.batches.flatMap { b in b.beamletIDs.map(b.histories(of:)).filter { $0 > 0 } } == expected)
        #expect(expected.reduce(0, +) == 80 * active.count && Set(expected).count > 1)
        #expect(stage.batches.allSatisfy { $0.statistics.thresholdRelative == 0 && $0.statistics.seed == 12 })
        let results = try stage.tasks.map { try PlanKind().execute(phase: 5, input: PlanStage.finalDose.tagged($0)) }
        let ran = try results.map { try DoseMessages.decodePartialDose($0).bookkeeping.histories }
        #expect(ran == stage.batches.map { b in b.beamletIDs.map(b.histories(of:)).reduce(0, +) }, "the workers ran the allocated histories")
    }

    /// A weighted plan on 1, 2 and 4 workers: bitwise identical (dose, uncertainty,
    /// weights, metrics); it records its settings; its mean final-dose σ in the ptv (relative to the ptv's mean dose)
    /// is below the uniform plan's with the same total histories (the optimised fluence is the same; only the
    /// normalisation factor, set on the final dose, differs).
    @Test func weightedPlanIsIdenticalForOneTwoAndFourWorkersAndLessNoisy() throws {
        let fixture = try PlanKindTests.caseFixture()
        let uniformSpec = PlanPencilBeamTests.spec()
        let weightedSpec = uniformSpec + "final_history_allocation: weighted\n"
        let (_, weighted) = try PlanKindTests.identicalPlanResults(fixture, spec: weightedSpec)
        #expect(weighted.attributes["final_history_allocation"] == .string("weighted"))
        let plain = try fixture.submit(uniformSpec, kind: "plan")
        try fixture.drain(kind: PlanKind(), slots: 2)
        let record = try fixture.registry.job(id: plain)
        try #require(record.state == .succeeded, "\(record.error ?? "")")
        let uniform = try ResultFile.read(path: fixture.resultURL(plain).path)
        #expect(uniform.attributes["final_history_allocation"] == nil)
        let ptv = try #require(PlanKindTests.structures().first { $0.name == "ptv" }).mask
        func relativeSigma(_ file: ResultFile) throws -> Double {
            let dose = try #require(file.doseGy), sigma = try #require(file.doseUncertainty)
            let grid = dose.grid
            var sumDose = 0.0, sumSigma = 0.0
            for index in 0..<grid.voxelCount {
                let position = grid.position(index % grid.nx, (index / grid.nx) % grid.ny, index / grid.sliceCount)
                let p = ptv.grid.voxelCoordinates(of: position).rounded(.toNearestOrAwayFromZero)
                guard p.min() >= 0, p.x < Double(ptv.grid.nx), p.y < Double(ptv.grid.ny), p.z < Double(ptv.grid.nz),
                      ptv[Int(p.x), Int(p.y), Int(p.z)] != 0 else { continue }
                sumDose += Double(dose.voxels[index]); sumSigma += Double(sigma.voxels[index])
            }
            return sumSigma / sumDose
        }
        let (w, u) = (try relativeSigma(weighted), try relativeSigma(uniform))
        #expect(w < u, "mean σ/D in the ptv: weighted \(w), uniform \(u)")
    }

    /// The smoothed correction: 1, 2 and 4 workers give identical plans, the result records σ, and the weights differ
    /// from the unsmoothed corrected plan's (the filter reaches the optimiser).
    @Test func smoothedCorrectionIsIdenticalForOneTwoAndFourWorkers() throws {
        let fixture = try PlanKindTests.caseFixture()
        let corrected = PlanPencilBeamTests.spec() + "correction_histories_per_beamlet: 40\n"
        let (_, smoothed) = try PlanKindTests.identicalPlanResults(fixture, spec: corrected + "correction_smoothing_mm: 8\n")
        #expect(smoothed.attributes["correction_smoothing_mm"] == .double(8))
        let plain = try fixture.submit(corrected, kind: "plan")
        try fixture.drain(kind: PlanKind(), slots: 2)
        let record = try fixture.registry.job(id: plain)
        try #require(record.state == .succeeded, "\(record.error ?? "")")
        let unsmoothed = try ResultFile.read(path: fixture.resultURL(plain).path)
        guard case .float64(let w)? = smoothed.arrays["/plan/weights"]?.values,
              case .float64(let w0)? = unsmoothed.arrays["/plan/weights"]?.values else { Issue.record("no weights"); return }
        #expect(w != w0)
    }
}
