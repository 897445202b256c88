import Core
import Dose
import Foundation
import Jobs
import Planning
import Store
import Testing
@testable import Cluster

/// `history_allocation: target_fraction` on the water-box case of ``PlanKindTests`` (ptv 26 mm cube at the centre): a
/// pilot phase measures every beamlet's dose fraction in the ptv, then the matrix's histories follow it.
@Suite struct DoseHistoryAllocationTests {
    static let spec = """
        kind: dose
        seed: 5
        target: ptv
        beams: {gantry_deg: [0, 90]}
        margin_mm: 10
        dose_grid: {spacing_mm: 5}
        histories_per_beamlet: 60
        uncertainty_batches: 3
        history_allocation: target_fraction
        pilot_histories_per_beamlet: 40

        """

    /// 1, 2 and 4 workers: bitwise the same matrix and dose; the histories sum to 60 per beamlet, follow the recorded
    /// pilot fractions (a beamlet with a larger fraction never gets fewer histories), floor 10 % of the mean (6, at
    /// least the 3 batches); the matrix equals the in-process columns with those histories; the pilot's fractions
    /// equal an in-process pilot's.
    @Test func allocatedMatrixIsIdenticalForOneTwoAndFourWorkers() throws {
        let fixture = try PlanKindTests.caseFixture()
        var files: [ResultFile] = []
        for slots in [1, 2, 4] {
            let job = try fixture.submit(Self.spec, kind: "dose")
            try fixture.drain(kind: DoseKind(), slots: slots, completion: slots == 1 ? .dispatchOrder : .newestFirst)
            let record = try fixture.registry.job(id: job)
            try #require(record.state == .succeeded, "\(record.error ?? "")")
            files.append(try ResultFile.read(path: fixture.resultURL(job).path))
        }
        for file in files.dropFirst() {
            #expect(file.doseGy == files[0].doseGy && file.sparseMatrices == files[0].sparseMatrices)
            #expect(file.arrays.filter { $0.key != "/timings/tasks" } == files[0].arrays.filter { $0.key != "/timings/tasks" })
        }
        let file = files[0]
        #expect(file.attributes["history_allocation"] == .string("target_fraction") && file.attributes["pilot_histories_per_beamlet"] == .int(40))
        guard case .int64(let histories)? = file.arrays["/beamlets/histories"]?.values,
              case .float64(let fractions)? = file.arrays["/beamlets/target_fraction"]?.values else { Issue.record("no allocation arrays"); return }
        #expect(histories.count == fractions.count && histories.reduce(0, +) == Int64(60 * histories.count))
        #expect(fractions.allSatisfy { $0 >= 0 && $0 <= 1 } && Set(histories).count > 1 && histories.min()! >= 6)
        for i in fractions.indices { for j in fractions.indices where fractions[i] > fractions[j] { #expect(histories[i] >= histories[j]) } }
        // In process: the same pilot and the same columns.
        guard case .dose(let dose) = try JobSpec.parse(yaml: Self.spec).work else { throw DoseKindError("not a dose spec") }
        let masks = Dictionary(uniqueKeysWithValues: try PlanKindTests.structures().map { ($0.name, $0.mask) })
        let setup = try DoseSetup(spec: dose, seed: 5, ct: PlanKindTests.phantom.ct, structures: masks)
        let pilot = try #require(setup.targetFractionPilot)
        let ids = 0..<setup.geometry.beamlets.count
        let pilotBatch = try BeamletBatch(patient: setup.patient, geometry: setup.geometry, beamletIDs: ids,
                                          statistics: BeamletStatistics(seed: 5 &+ BeamletBatch.pilotSeedOffset, historiesPerBeamlet: 40,
                                                                        uncertaintyBatches: 2, thresholdRelative: 0))
        var calculator = try pilotBatch.makeCalculator()
        #expect(try pilotBatch.targetFractions(targetVoxels: pilot.targetVoxels, using: &calculator) == fractions)
        let batch = try BeamletBatch(patient: setup.patient, geometry: setup.geometry, beamletIDs: ids, statistics: setup.statistics,
                                     beamletHistories: histories.map { Int($0) })
        let matrix = try InfluenceMatrix(grid: setup.patient.grid, columnCount: ids.count, columns: try batch.columns())
        let stored = try #require(file.sparseMatrices["/influence"])
        #expect(stored.values == matrix.doseGy && stored.rowIndices == matrix.rowIndices)
    }

    /// The allocation: sums to the total, floors, follows the fractions; rejects fractions outside [0, 1].
    @Test func targetFractionAllocation() throws {
        let h = try BeamletHistoryAllocation.targetFraction(fractions: [0, 0.5, 0.1, 1], meanHistories: 100, minimumHistories: 10)
        #expect(h.reduce(0, +) == 400 && h[0] == 10 && h[3] > h[1] && h[1] > h[2] && h[2] >= 10)
        #expect(throws: PlanningError.self) { try BeamletHistoryAllocation.targetFraction(fractions: [1.5], meanHistories: 100, minimumHistories: 10) }
        #expect(throws: PlanningError.self) { try BeamletHistoryAllocation.targetFraction(fractions: [.nan], meanHistories: 100, minimumHistories: 10) }
    }

    /// A Monte Carlo plan with the allocation runs the pilot as its own stage before the influence matrix and records it.
    @Test func planRunsThePilotAsAStage() throws {
        let fixture = try PlanKindTests.caseFixture()
        let job = try fixture.submit(PlanKindTests.spec() + "history_allocation: target_fraction\npilot_histories_per_beamlet: 20\n", kind: "plan")
        try fixture.drain(kind: PlanKind(), slots: 2)
        let record = try fixture.registry.job(id: job)
        try #require(record.state == .succeeded, "\(record.error ?? "")")
        let file = try ResultFile.read(path: fixture.resultURL(job).path)
        #expect(file.attributes["timings_phase_names"] == .string("pilot,influence,optimisation,final_dose"))
        #expect(file.attributes["stage_seconds_pilot"] != nil && file.arrays["/beamlets/histories"] != nil)
        #expect(file.attributes["history_allocation"] == .string("target_fraction"))
    }
}

