import Core
import Dose
import Foundation
import Jobs
import Planning
import Store
import Testing
@testable import Cluster

/// The iterated Monte Carlo correction (`correction_iterations`) on the water-box plan of ``PlanKindTests``
/// (pencil-beam matrix, correction dose 40 histories per beamlet, final dose 80).
@Suite struct PlanCorrectionIterationTests {
    static let corrected = PlanPencilBeamTests.spec() + "correction_histories_per_beamlet: 40\ncorrection_smoothing_mm: 8\n"

    /// Two rounds on 1, 2 and 4 workers: bitwise identical (dose, uncertainty, weights, metrics); the stages run
    /// correction dose → re-optimisation twice, their times are summed per stage; the result records the rounds and
    /// one model mismatch per round (finite, below 50 % in the ptv).
    @Test func twoRoundsAreIdenticalForOneTwoAndFourWorkers() throws {
        let fixture = try PlanKindTests.caseFixture()
        let (_, file) = try PlanKindTests.identicalPlanResults(fixture, spec: Self.corrected + "correction_iterations: 2\n")
        #expect(file.attributes["timings_phase_names"]
                == .string("kernel,influence,optimisation,correction_dose,reoptimisation,correction_dose,reoptimisation,final_dose"))
        #expect(file.attributes["correction_iterations"] == .int(2))
        guard case .ints(let iterations)? = file.attributes["optimizer_iterations_per_round"] else { Issue.record("no iterations per round"); return }
        #expect(iterations.count == 3 && iterations.allSatisfy { $0 > 0 }, "\(iterations): the first optimisation and two re-optimisations")
        guard case .ints(let evaluations)? = file.attributes["optimizer_evaluations_per_round"],
              case .doubles(let seconds)? = file.attributes["optimizer_seconds_per_round"] else { Issue.record("no evaluations or seconds per round"); return }
        #expect(zip(evaluations, iterations).allSatisfy { $0 > $1 } && seconds.count == 3 && seconds.allSatisfy { $0 >= 0 }, "\(evaluations) \(seconds)")
        guard case .doubles(let mismatch)? = file.attributes["model_mismatch_relative"] else {
            Issue.record("no model mismatch: \(String(describing: file.attributes["model_mismatch_relative"]))"); return
        }
        #expect(mismatch.count == 2 && mismatch.allSatisfy { $0.isFinite && abs($0) < 0.5 }, "\(mismatch)")
        guard case .double(let seconds)? = file.attributes["stage_seconds_correction_dose"] else { Issue.record("no correction time"); return }
        #expect(seconds >= 0)
        // The edge/interior comparison: one entry per Monte Carlo recomputation (2 rounds + the final dose).
        for key in ["model_mismatch_edge_relative", "model_mismatch_interior_relative", "model_target_d95_gy", "monte_carlo_target_d95_gy",
                    "monte_carlo_coldest_edge_share"] {
            guard case .doubles(let values)? = file.attributes[key] else { Issue.record("no \(key)"); continue }
            #expect(values.count == 3 && values.allSatisfy(\.isFinite), "\(key) \(values)")
        }
        guard case .double(let edgeFraction)? = file.attributes["target_edge_fraction"] else { Issue.record("no edge fraction"); return }
        #expect(edgeFraction > 0 && edgeFraction <= 1)
    }

    /// `correction_smoothing_regions: structures` on 1, 2 and 4 workers: bitwise identical, recorded, and a different
    /// plan from the body-wide smoothing (the correction at the ptv's edge is no longer averaged with the outside).
    @Test func structureRegionsAreIdenticalForOneTwoAndFourWorkers() throws {
        let fixture = try PlanKindTests.caseFixture()
        let (_, restricted) = try PlanKindTests.identicalPlanResults(fixture, spec: Self.corrected + "correction_smoothing_regions: structures\n")
        #expect(restricted.attributes["correction_smoothing_regions"] == .string("structures"))
        let job = try fixture.submit(Self.corrected, kind: "plan")
        try fixture.drain(kind: PlanKind(), slots: 2)
        let wide = try ResultFile.read(path: fixture.resultURL(job).path)
        #expect(wide.attributes["correction_smoothing_regions"] == nil)
        #expect(wide.arrays["/plan/weights"] != restricted.arrays["/plan/weights"])
    }

    /// `correction_iterations: 1` is the single correction of before, bitwise (same weights and dose as the spec
    /// without the key), and records one model mismatch (the final dose's) and no rounds attribute.
    @Test func oneRoundIsTheSingleCorrection() throws {
        let fixture = try PlanKindTests.caseFixture()
        var files: [ResultFile] = []
        for spec in [Self.corrected, Self.corrected + "correction_iterations: 1\n"] {
            let job = try fixture.submit(spec, kind: "plan")
            try fixture.drain(kind: PlanKind(), slots: 2)
            let record = try fixture.registry.job(id: job)
            try #require(record.state == .succeeded, "\(record.error ?? "")")
            files.append(try ResultFile.read(path: fixture.resultURL(job).path))
        }
        #expect(files[0].arrays["/plan/weights"] == files[1].arrays["/plan/weights"] && files[0].doseGy == files[1].doseGy)
        #expect(files[1].attributes["correction_iterations"] == nil)
        guard case .doubles(let mismatch)? = files[1].attributes["model_mismatch_relative"] else { Issue.record("no model mismatch"); return }
        #expect(mismatch.count == 1)
    }

    /// Round k's correction dose uses seed + 1 + k: round 1 keeps the earlier offset 2, no round meets the final
    /// dose's offset 1, and every round's offset differs.
    @Test func roundsHaveTheirOwnSeedOffsets() {
        let offsets = (1...PlanSpec.maxCorrectionIterations).map { PlanFinalDose.correctionSeedOffset(round: $0) }
        #expect(offsets.first == 2 && Set(offsets).count == offsets.count && !offsets.contains(PlanFinalDose.finalSeedOffset))
    }

    /// The model mismatch is (ΣD_mc − ΣD_model) / ΣD_mc over the target's voxels, exactly, on a 3-voxel grid.
    @Test func modelMismatchIsTheRelativeTargetDifference() throws {
        let grid = try Grid(nx: 3, ny: 1, nz: 1, spacingMM: SIMD3(1, 1, 1), originMM: .zero)
        let target = try MaskVolume(grid: grid, voxels: [1, 1, 0])
        // Target: Monte Carlo 4 + 6 = 10, model 5 + 4 = 9 → 0.1; the third voxel is outside.
        #expect(try PlanRun.modelMismatchRelative(monteCarloGy: [4, 6, 100], modelGy: [5, 4, 0], target: target) == 0.1)
        #expect(throws: PlanKindError.self) { try PlanRun.modelMismatchRelative(monteCarloGy: [1], modelGy: [1, 2, 3], target: target) }
    }

    /// The scaled warm start's factor restores the target's mean model dose: (Σpb + Σc_prev − Σc_new) / Σpb over the
    /// target, exactly on a 3-voxel grid; clamped to [0.5, 2]; 1 with no pencil-beam dose in the target.
    @Test func warmStartScaleRestoresTheTargetLevel() throws {
        let grid = try Grid(nx: 3, ny: 1, nz: 1, spacingMM: SIMD3(1, 1, 1), originMM: .zero)
        let target = try MaskVolume(grid: grid, voxels: [1, 1, 0])
        // Target: pencil beam 4 + 6 = 10, previous correction 0.5 + 0.5 = 1, new 1 + 2 = 3 → (10 + 1 − 3) / 10 = 0.8.
        #expect(PlanRun.warmStartScale(pencilBeamGy: [4, 6, 50], previousCorrectionGy: [0.5, 0.5, 9], correctionGy: [1, 2, 9], target: target) == 0.8)
        #expect(PlanRun.warmStartScale(pencilBeamGy: [4, 6, 50], previousCorrectionGy: nil, correctionGy: [-0.5, -0.5, 9], target: target) == 1.1)
        #expect(PlanRun.warmStartScale(pencilBeamGy: [4, 6, 0], previousCorrectionGy: nil, correctionGy: [9, 9, 0], target: target) == 0.5)
        #expect(PlanRun.warmStartScale(pencilBeamGy: [0, 0, 5], previousCorrectionGy: nil, correctionGy: [1, 1, 1], target: target) == 1)
    }

    /// `correction_warm_start: scaled` on 1, 2 and 4 workers: bitwise identical, the factor of each round recorded (finite,
    /// positive), a lower start objective than the unscaled start and the same final objective within 2 %.
    @Test func scaledWarmStartIsIdenticalForOneTwoAndFourWorkers() throws {
        let fixture = try PlanKindTests.caseFixture()
        let (_, scaled) = try PlanKindTests.identicalPlanResults(fixture, spec: Self.corrected + "correction_iterations: 2\ncorrection_warm_start: scaled\n")
        #expect(scaled.attributes["correction_warm_start"] == .string("scaled"))
        guard case .doubles(let scales)? = scaled.attributes["correction_warm_start_scales"] else { Issue.record("no warm start scales"); return }
        #expect(scales.count == 2 && scales.allSatisfy { $0.isFinite && $0 >= 0.5 && $0 <= 2 }, "\(scales)")
        let job = try fixture.submit(Self.corrected + "correction_iterations: 2\n", kind: "plan")
        try fixture.drain(kind: PlanKind(), slots: 2)
        let plain = try ResultFile.read(path: fixture.resultURL(job).path)
        #expect(plain.attributes["correction_warm_start_scales"] == nil && plain.attributes["correction_warm_start"] == nil)
        let objectives = try [scaled, plain].map { file -> (initial: Double, final: Double) in
            guard case .string(let json)? = file.attributes["metrics_json"],
                  let metrics = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
                  let optimizer = metrics["optimizer"] as? [String: Any],
                  let initial = optimizer["objective_initial"] as? Double, let final = optimizer["objective_final"] as? Double else {
                throw PlanKindError("no optimizer metrics")
            }
            return (initial, final)
        }
        // The last re-optimisation starts nearer the optimum and ends within 2 % of the unscaled start's objective.
        #expect(objectives[0].initial < objectives[1].initial && abs(objectives[0].final / objectives[1].final - 1) < 0.02, "\(objectives)")
    }

    /// `optimizer.intermediate_max_iterations` limits the first optimisation and every re-optimisation but the last
    /// (their fluence only starts a correction round); the last runs to the spec's own limit or tolerance.
    @Test func intermediateIterationLimitSparesTheLastRound() throws {
        let fixture = try PlanKindTests.caseFixture()
        let spec = Self.corrected.replacingOccurrences(of: "optimizer: {max_iterations: 60, tolerance: 1.0e-6}",
                                                       with: "optimizer: {max_iterations: 60, tolerance: 1.0e-6, intermediate_max_iterations: 3}")
        #expect(spec != Self.corrected)
        let job = try fixture.submit(spec + "correction_iterations: 2\n", kind: "plan")
        try fixture.drain(kind: PlanKind(), slots: 2)
        let file = try ResultFile.read(path: fixture.resultURL(job).path)
        guard case .ints(let iterations)? = file.attributes["optimizer_iterations_per_round"] else { Issue.record("no iterations per round"); return }
        #expect(iterations.count == 3 && iterations[0] == 3 && iterations[1] == 3 && iterations[2] > 3, "\(iterations)")
    }
}
