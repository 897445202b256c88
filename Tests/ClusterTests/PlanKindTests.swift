import Core
import Dose
import Evaluation
import Foundation
import Jobs
import Phantoms
import Planning
import Store
import Testing
@testable import Cluster

/// The `plan` kind in process: a 100 × 100 × 60 mm water box (5 mm voxels) with a 30 mm cube target `ptv` at
/// the centre, an organ at risk `oar` beside it and the `body`; 3 coplanar beams, 5 mm bixels, 40 histories per
/// beamlet for the optimisation and 80 for the final dose (seconds in debug).
@Suite struct PlanKindTests {
    static let phantom = try! PhantomFactory.water(shape: .box(sizeMM: SIMD3(100, 100, 60)), size: PhantomSize(nx: 24, ny: 24, nz: 16),
                                                   spacingMM: SIMD3(repeating: 5))

    static func box(_ lo: SIMD3<Double>, _ hi: SIMD3<Double>) throws -> MaskVolume {
        let grid = phantom.grid
        var v = [UInt8](repeating: 0, count: grid.voxelCount)
        for k in 0..<grid.nz { for j in 0..<grid.ny { for i in 0..<grid.nx where all(grid.position(i, j, k) .>= lo) && all(grid.position(i, j, k) .<= hi) {
            v[grid.index(i, j, k)] = 1
        } } }
        return try MaskVolume(grid: grid, voxels: v)
    }

    static func structures() throws -> [Store.Structure] {
        [Store.Structure(name: "body", mask: phantom.mask(named: "body")!, overlapPriority: 3),
         Store.Structure(name: "oar", mask: try box(SIMD3(15, 15, -13), SIMD3(33, 33, 13)), overlapPriority: 2),
         Store.Structure(name: "ptv", mask: try box(SIMD3(repeating: -13), SIMD3(repeating: 13)), overlapPriority: 1)]
    }

    static func spec(objectiveStructure: String = "oar", goalStructure: String = "oar") -> String {
        """
        kind: plan
        seed: 11
        target: ptv
        beams: {gantry_deg: [0, 120, 240], bixel_mm: 5}
        margin_mm: 0
        dose_grid: {spacing_mm: 5}
        histories_per_beamlet: 40
        final_histories_per_beamlet: 80
        prescription: {target: ptv, dose_gy: 60, fractions: 30, normalise: d95}
        objectives:
          - {structure: ptv, type: squared_deviation, dose_gy: 60, penalty: 1000}
          - {structure: \(objectiveStructure), type: squared_overdose, dose_gy: 10, penalty: 100}
        optimizer: {max_iterations: 60, tolerance: 1.0e-6}
        goals:
          - {structure: ptv, metric: D95, comparator: min, value_gy: 60}
          - {structure: ptv, metric: Dmax, comparator: max, value_gy: 75}
          - {structure: \(goalStructure), metric: V20Gy, comparator: max, value_pct: 50}

        """
    }

    static func caseFixture() throws -> SchedulerFixture {
        try SchedulerFixture(cases: ["case-a": CaseFile(ct: phantom.ct, structures: structures())])
    }

    /// The final dose recomputes only beamlets of non-zero weight (batches span those of weight 0), with seed + 1 and the
    /// final history count, as forward batches: the summed dose equals D·w of the same beamlets' unthresholded
    /// columns (to float rounding: 1e-6 of the maximum, the sums are associated per batch) and exceeds D·w of columns
    /// cut at the default 10⁻³ threshold (the truncated far scatter is kept).
    @Test func finalDoseBatchesCoverTheWeightedBeamletsOnly() throws {
        guard case .plan(let plan) = try JobSpec.parse(yaml: Self.spec()).work else { throw PlanKindError("not a plan spec") }
        let masks = Dictionary(uniqueKeysWithValues: try Self.structures().map { ($0.name, $0.mask) })
        let setup = try DoseSetup(spec: plan.dose, seed: 11, ct: Self.phantom.ct, structures: masks)
        let n = setup.geometry.beamlets.count
        let weights: [Double] = (0..<n).map { j in j % 5 < 2 ? 0 : Double(j) }
        let stage = try PlanFinalDose(setup: setup, shared: SharedBeamletFields(patient: setup.patient, geometry: setup.geometry), weights: weights, historiesPerBeamlet: 80, seedOffset: PlanFinalDose.finalSeedOffset)
        let simulated = stage.batches.flatMap { b in b.beamletIDs.filter { b.histories(of: $0) > 0 } }
        #expect(simulated == (0..<n).filter { weights[$0] > 0 })
        #expect(stage.batches.allSatisfy { b in b.beamletIDs.allSatisfy { b.histories(of: $0) == (weights[$0] > 0 ? 80 : 0) } })
        #expect(stage.batches.allSatisfy { $0.statistics.seed == 12 && $0.statistics.historiesPerBeamlet == 80 })
        #expect(stage.batches.map(\.beamletIDs) == BeamletBatches.ranges(histories: weights.map { $0 > 0 ? 80 : 0 }))
        let results = try stage.tasks.map { try PlanKind().execute(phase: 5, input: PlanStage.finalDose.tagged($0)) }
        let (forward, bookkeeping) = try stage.dose(from: results, grid: setup.patient.grid)
        let grid = setup.patient.grid
        func matrixDose(threshold: Double) throws -> [Float] {
            let columns = try stage.batches.flatMap { try $0.columns(thresholdRelative: threshold) }
            let matrix = try Dose.InfluenceMatrix(grid: grid, columnCount: n, columns: columns)
            return try matrix.dose(weights: weights).voxels
        }
        let full = try matrixDose(threshold: 0), cut = try matrixDose(threshold: 0.001)
        let peak = Double(full.max() ?? 0)
        #expect(peak > 0)
        #expect(zip(forward.doseGy.voxels, full).allSatisfy { abs(Double($0) - Double($1)) <= 1e-6 * peak })
        let total = forward.doseGy.voxels.reduce(0.0) { $0 + Double($1) }, truncated = cut.reduce(0.0) { $0 + Double($1) }
        #expect(total > truncated, "forward total \(total) vs thresholded \(truncated)")
        #expect(forward.doseGy.voxels.filter { $0 > 0 }.count > cut.filter { $0 > 0 }.count)
        #expect(forward.uncertaintyGy.voxels.allSatisfy { $0 >= 0 } && forward.uncertaintyGy.voxels.contains { $0 > 0 })
        #expect(bookkeeping.histories == 80 * simulated.count)
    }

    /// Runs plan `spec` on 1, 2 and 4 in-process workers, checks that dose, uncertainty, weights and metrics are
    /// bitwise identical and returns the 1-worker job and its result file.
    static func identicalPlanResults(_ fixture: SchedulerFixture, spec: String) throws -> (job: Int64, file: ResultFile) {
        var jobs: [Int: Int64] = [:]
        for slots in [1, 2, 4] {
            jobs[slots] = try fixture.submit(spec, kind: "plan")
            try fixture.drain(kind: PlanKind(), slots: slots, completion: slots == 1 ? .dispatchOrder : .newestFirst)
        }
        var results: [ResultFile] = []
        for slots in [1, 2, 4] {
            let record = try fixture.registry.job(id: try #require(jobs[slots]))
            try #require(record.state == .succeeded, "\(record.error ?? "")")
            let file = try ResultFile.read(path: fixture.resultURL(record.id).path)
            if let reference = results.first {
                #expect(file.doseGy == reference.doseGy && file.arrays["/plan/weights"] == reference.arrays["/plan/weights"], "\(slots) workers")
                #expect(file.doseUncertainty == reference.doseUncertainty && file.attributes["metrics_json"] == reference.attributes["metrics_json"])
            }
            results.append(file)
        }
        return (try #require(jobs[1]), results[0])
    }

    /// Whole plan jobs on 1, 2 and 4 in-process workers: identical /dose/total and /plan/weights; every part of
    /// the contract; target D95 = 60 Gy after normalisation (1e-6 Gy in metrics_json, 1e-4 Gy recomputed from
    /// the stored float32 dose).
    @Test func planJobIsCompleteAndIdenticalForOneTwoAndFourWorkers() throws {
        let fixture = try Self.caseFixture()
        let (job, file) = try Self.identicalPlanResults(fixture, spec: Self.spec())
        let dose = try #require(file.doseGy)
        #expect(file.doseUncertainty?.grid == dose.grid)
        for path in ["/plan/beams", "/plan/weights", "/dvh/ptv", "/dvh/oar", "/dvh/body", "/timings/tasks"] {
            #expect(file.arrays[path] != nil, "\(path) missing")
        }
        #expect(file.arrays["/plan/beams"]?.shape == [3, 4])
        // One bixel row per weight; its beam index counts agree with /plan/beams, its centres lie on the 5 mm lattice.
        let weightCount = try #require(file.arrays["/plan/weights"]?.shape.first)
        let bixels = try #require(file.arrays["/plan/beamlets"])
        #expect(bixels.shape == [weightCount, 4])
        if case .float64(let rows) = bixels.values, case .float64(let beams)? = file.arrays["/plan/beams"]?.values {
            var counts = [0, 0, 0]
            var offLattice = 0
            for n in stride(from: 0, to: rows.count, by: 4) {
                counts[Int(rows[n])] += 1
                let u = rows[n + 1], v = rows[n + 2]
                if rows[n + 3] != 5 || (u / 5).rounded() * 5 != u || (v / 5).rounded() * 5 != v { offLattice += 1 }
            }
            #expect(counts == [beams[3], beams[7], beams[11]].map { Int($0) })
            #expect(offLattice == 0)
        } else { Issue.record("/plan/beamlets or /plan/beams is not float64") }
        for name in ["isocentre_mm", "beamlet_count", "histories_per_beamlet", "nonzeros", "normalisation_factor",
                     "stage_seconds_influence", "stage_seconds_optimisation", "stage_seconds_final_dose", "stage_seconds_evaluation"] {
            #expect(file.attributes[name] != nil, "attribute \(name) missing")
        }
        #expect(file.attributes["timings_phase_names"] == .string("influence,optimisation,final_dose"))
        // Provenance: version, the spec as submitted, seed, ranks, wall time.
        #expect(file.attributes["kind"] == .string("plan"))
        guard case .string(let recorded)? = file.attributes["spec"] else { Issue.record("no spec attribute"); return }
        #expect(try JobSpec.parse(yaml: recorded).kind == .plan)
        for name in ["software_version", "seed", "ranks", "wall_seconds"] { #expect(file.attributes[name] != nil, "attribute \(name) missing") }
        #expect(file.attributes["histories_per_beamlet"] == .int(40) && file.attributes["final_histories_per_beamlet"] == .int(80))
        guard case .string(let json) = file.attributes["metrics_json"], case .double(let factor) = file.attributes["normalisation_factor"] else {
            Issue.record("metrics_json or normalisation_factor missing"); return
        }
        let metrics = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let ptv = try #require((metrics["structures"] as? [[String: Any]])?.first { $0["name"] as? String == "ptv" })
        let d95 = try #require(ptv["d95_gy"] as? Double)
        #expect(abs(d95 - 60) < 1e-6, "metrics D95 \(d95)")
        #expect(abs(((metrics["prescription"] as? [String: Any])?["factor"] as? Double ?? 0) - factor) < 1e-12)
        #expect((metrics["goals"] as? [[String: Any]])?.count == 3 && (metrics["optimizer"] as? [String: Any])?["iterations"] != nil)
        let ptvMask = try #require(try DoseGridStructures([ContouredStructure(name: "ptv", mask: Self.structures()[2].mask)], doseGrid: dose.grid).masks["ptv"])
        let stored = try StructureDose(name: "ptv", dose: dose, mask: ptvMask)
        #expect(abs(stored.doseAtVolume(95) - 60) < 1e-4, "stored D95 \(stored.doseAtVolume(95))")
        // The target's mean σ/D of the final dose, recomputed from the stored (normalised, float32) dose and
        // uncertainty: normalisation scales both, so the ratio agrees within float rounding (1e-5 relative).
        let sigma = try #require(file.doseUncertainty)
        let dosed = ptvMask.voxels.indices.filter { ptvMask.voxels[$0] != 0 && dose.voxels[$0] > 0 }
        let recomputed = dosed.map { Double(sigma.voxels[$0]) / Double(dose.voxels[$0]) }.reduce(0, +) / Double(dosed.count)
        guard case .double(let recorded)? = file.attributes["target_relative_uncertainty"] else { Issue.record("no target_relative_uncertainty"); return }
        #expect(recorded > 0 && abs(recorded - recomputed) <= 1e-5 * recomputed, "\(recorded) vs \(recomputed)")
        let weights = try #require(file.arrays["/plan/weights"]).values
        guard case .float64(let w) = weights else { Issue.record("weights are not float64"); return }
        #expect(w.count == (file.attributes["beamlet_count"].flatMap { if case .int(let n) = $0 { n } else { nil } } ?? -1))
        #expect(w.allSatisfy { $0 >= 0 } && w.contains { $0 > 0 })
        let note = try fixture.registry.events(jobID: job).map(\.message).joined(separator: "\n")
        #expect(note.contains("ptv D95 60.0 Gy") && note.contains("goals "), "\(note)")
        // A target σ/D above 5 % is a warning in metrics_json and the summary, not a failure; none at or below.
        let warnings = metrics["warnings"] as? [String] ?? []
        let noisy = recorded > PlanWarnings.targetUncertaintyLimit
        #expect(warnings.count == (noisy ? 1 : 0) && note.contains("warning: the dose in ptv is noisy") == noisy, "\(recorded): \(warnings) \(note)")
        if noisy { #expect(warnings[0].contains(String(format: "%.1f %%", recorded * 100)), "\(warnings)") }
    }

    /// The noisy-target warning: above 5 % only, naming the structure, the value and the histories factor (σ ∝ 1/√N);
    /// the summary ends with it; metrics_json lists it under "warnings" and leaves the key out without.
    @Test func noisyTargetDoseIsAWarning() throws {
        #expect(PlanWarnings.targetUncertainty(0.05, target: "ptv") == nil && PlanWarnings.targetUncertainty(0.0123, target: "ptv") == nil)
        #expect(PlanWarnings.targetUncertainty(.nan, target: "ptv") == nil)
        let warning = try #require(PlanWarnings.targetUncertainty(0.42, target: "ptv"))
        // (0.42 / 0.05)² = 70.56 → about 71×.
        #expect(warning.contains("the dose in ptv is noisy") && warning.contains("42.0 %") && warning.contains("above 5 %")
                && warning.contains("about 71× the final histories") && warning.contains("final_histories_per_beamlet"), "\(warning)")
        #expect(try #require(PlanWarnings.targetUncertainty(0.0501, target: "ctv")).contains("5.0 %"))
        var metrics = PlanMetrics(structures: [])
        metrics.warnings = [warning]
        let decoded = try JSONDecoder().decode(PlanMetrics.self, from: try JSONEncoder().encode(metrics))
        #expect(decoded.warnings == [warning])
        #expect(!String(decoding: try JSONEncoder().encode(PlanMetrics(structures: [])), as: UTF8.self).contains("warnings"))
    }

    /// An objective or goal on a structure the case lacks fails the job with the name in the error and no result file.
    @Test(arguments: [("liver", "oar"), ("oar", "kidney")])
    func unknownStructureFailsTheJob(objective: String, goal: String) throws {
        let fixture = try Self.caseFixture()
        let job = try fixture.submit(Self.spec(objectiveStructure: objective, goalStructure: goal), kind: "plan")
        try fixture.drain(kind: PlanKind())
        let record = try fixture.registry.job(id: job)
        let missing = objective == "oar" ? goal : objective
        #expect(record.state == .failed && record.error?.contains("\"\(missing)\"") == true, "\(record.error ?? "")")
        #expect(!FileManager.default.fileExists(atPath: fixture.resultURL(job).path))
    }
}
