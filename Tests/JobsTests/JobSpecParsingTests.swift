import Testing
@testable import Jobs

/// Well-formed specs: defaults, accepted spellings and the canonical round trip.
struct JobSpecParsingTests {
    static let minimalDose = """
        kind: dose
        target: PTV
        beams:
          gantry_deg: [0]
        """

    @Test func defaultsOfAMinimalDoseJob() throws {
        let spec = try JobSpec.parse(yaml: Self.minimalDose)
        #expect(spec.name == nil && spec.priority == 100 && spec.seed == 1 && spec.maxAttempts == 3)
        #expect(spec.kind == .dose)
        let expected = DoseCalculationSpec(target: "PTV", beams: BeamSetSpec(gantryDeg: [0]), storeInfluenceMatrix: true)
        #expect(spec.work == .dose(expected))
        #expect(expected.beams.bixelMM == 5 && expected.beams.sadMM == 1000 && expected.marginMM == 5)
        #expect(expected.doseGridSpacingMM == SIMD3(3, 3, 3) && expected.historiesPerBeamlet == 1000)
        #expect(expected.uncertaintyBatches == 10 && expected.thresholdRelative == 0.001)
        #expect(!expected.ignoreOutsideDensities && !spec.canonicalYAML().contains("ignore_outside_densities"))
    }

    /// `optimizer.intermediate_max_iterations` needs correction rounds and survives the canonical round trip.
    @Test func intermediateIterationLimit() throws {
        let plan = """
            kind: plan
            target: PTV
            beams: {gantry_deg: [0, 180]}
            engine: pencil_beam
            prescription: {dose_gy: 2}
            objectives: from_case
            optimizer: {max_iterations: 300, intermediate_max_iterations: 120}
            """
        let spec = try JobSpec.parse(yaml: plan + "\ncorrection_histories_per_beamlet: 100")
        guard case .plan(let p) = spec.work else { Issue.record("kind is \(spec.kind)"); return }
        #expect(p.optimizer == OptimizerSpec(maxIterations: 300, tolerance: 1e-6, intermediateMaxIterations: 120))
        #expect(try JobSpec.parse(yaml: spec.canonicalYAML()) == spec)
        let error = try #require(throws: JobSpecError.self) { try JobSpec.parse(yaml: plan) }
        #expect(error.keyPath == "optimizer.intermediate_max_iterations" && error.description.contains("needs correction_histories_per_beamlet"),
                "\(error)")
    }

    /// `history_allocation: target_fraction` with its pilot: read, written, round trip; needs Monte Carlo and a target;
    /// the pilot key alone is rejected.
    @Test func targetFractionAllocation() throws {
        let spec = try JobSpec.parse(yaml: Self.minimalDose + "\nhistory_allocation: target_fraction\npilot_histories_per_beamlet: 500")
        guard case .dose(let dose) = spec.work else { Issue.record("kind is \(spec.kind)"); return }
        #expect(dose.historyAllocation == .targetFraction && dose.pilotHistoriesPerBeamlet == 500)
        #expect(try JobSpec.parse(yaml: spec.canonicalYAML()) == spec)
        for (extra, key, message) in [("\nengine: pencil_beam\nhistory_allocation: target_fraction", "history_allocation", "needs engine: monte_carlo"),
                                      ("\npilot_histories_per_beamlet: 500", "pilot_histories_per_beamlet", "needs history_allocation"),
                                      ("\nhistory_allocation: by_guess", "history_allocation", "by_guess")] {
            let error = try #require(throws: JobSpecError.self) { try JobSpec.parse(yaml: Self.minimalDose + extra) }
            #expect(error.keyPath == key && error.description.contains(message), "\(error)")
        }
        let open = "kind: dose\nopen_field: {field_mm: [20, 20], ssd_mm: 1000}\nbeams: {gantry_deg: [0]}\nhistory_allocation: target_fraction"
        let error = try #require(throws: JobSpecError.self) { try JobSpec.parse(yaml: open) }
        #expect(error.description.contains("needs a target"), "\(error)")
    }

    /// `ignore_outside_densities` is read, written only when true, and survives the canonical round trip.
    @Test func ignoreOutsideDensities() throws {
        let spec = try JobSpec.parse(yaml: Self.minimalDose + "\nignore_outside_densities: true")
        guard case .dose(let dose) = spec.work else { Issue.record("kind is \(spec.kind)"); return }
        #expect(dose.ignoreOutsideDensities)
        #expect(spec.canonicalYAML().contains("\nignore_outside_densities: true\n"))
        #expect(try JobSpec.parse(yaml: spec.canonicalYAML()) == spec)
        let error = try #require(throws: JobSpecError.self) { try JobSpec.parse(yaml: Self.minimalDose + "\nignore_outside_densities: 1") }
        #expect(error.keyPath == "ignore_outside_densities", "\(error)")
    }

    @Test func minimalPlanDefaultsPrescriptionTargetAndStoresNoMatrix() throws {
        let spec = try JobSpec.parse(yaml: """
            kind: plan
            target: PTV
            beams: {gantry_deg: [0, 180]}
            prescription: {dose_gy: 2}
            objectives: from_case
            """)
        guard case .plan(let p) = spec.work else { Issue.record("kind is \(spec.kind)"); return }
        #expect(p.prescription == PrescriptionSpec(target: "PTV", doseGy: 2, fractions: 1, normalise: .none))
        #expect(p.objectives == .fromCase)
        #expect(p.optimizer == OptimizerSpec(maxIterations: 500, tolerance: 1e-6))
        #expect(p.goals.isEmpty && p.segmentation == nil && p.finalHistoriesPerBeamlet == nil)
        #expect(!p.dose.storeInfluenceMatrix)
        #expect(spec.referencedStructures.map(\.keyPath) == ["target", "prescription.target"])
    }

    @Test func acceptedSpellings() throws {
        let spec = try JobSpec.parse(yaml: """
            kind: plan
            name: "My plan 1.0_a-b"
            seed: 18446744073709551615
            target: PTV
            beams: {gantry_deg: [0, 359.5], isocentre_mm: [1, -2.5, 3e1], couch_deg: 0.0}
            dose_grid: {spacing_mm: [2, 2.5, 3]}
            histories_per_beamlet: 1e6
            prescription: {dose_gy: 60, fractions: 30}
            objectives:
              - {structure: PTV, type: eud, dose_gy: 60, eud_a: -10}
              - {structure: OAR, type: min_dvh, dose_gy: 57, volume_pct: 95}
            goals:
              - {structure: PTV, metric: D99.5, comparator: ">=", value_gy: 57}
              - {structure: PTV, metric: Dmin, comparator: ≥, value_gy: 50}
              - {structure: OAR, metric: V2.5Gy, comparator: <=, value_pct: 50}
              - {structure: OAR, metric: Dmax, comparator: ≤, value_gy: 45}
            """)
        #expect(spec.seed == UInt64.max)
        #expect(spec.name == "My plan 1.0_a-b")
        guard case .plan(let p) = spec.work else { Issue.record("kind is \(spec.kind)"); return }
        #expect(p.dose.beams.isocentreMM == SIMD3(1, -2.5, 30))
        #expect(p.dose.doseGridSpacingMM == SIMD3(2, 2.5, 3))
        #expect(p.dose.historiesPerBeamlet == 1_000_000)
        #expect(p.goals.map(\.comparator) == [.atLeast, .atLeast, .atMost, .atMost])
        #expect(p.goals.map(\.metric.description) == ["D99.5", "Dmin", "V2.5Gy", "Dmax"])
        #expect(try JobSpec.parse(yaml: spec.canonicalYAML()) == spec)
    }

    /// Every integer key, `seed` included, takes an exactly integral decimal: `1e6`, `5.0`, `2.5e1`.
    @Test func integersMayBeWrittenAsIntegralDecimals() throws {
        for (written, seed) in [("1e6", UInt64(1_000_000)), ("5.0", 5), ("2.5e1", 25), ("1.8446744073709551615e19", UInt64.max), ("0.0e5", 0)] {
            let spec = try JobSpec.parse(yaml: "kind: segment\nstructures: [body]\nseed: \(written)\npriority: 1e3\nmax_attempts: 5.0\n")
            #expect(spec.seed == seed, "seed: \(written)")
            #expect(spec.priority == 1000 && spec.maxAttempts == 5)
        }
    }

    @Test func canonicalYAMLOfASegmentJobIsExact() throws {
        let spec = try JobSpec.parse(yaml: "kind: segment\nstructures: [bones, body]\nhalo_mm: 7.5\n")
        #expect(spec.canonicalYAML() == """
            kind: segment
            priority: 100
            seed: 1
            max_attempts: 3
            structures: [bones, body]
            body_threshold_hu: -350
            lung_threshold_hu: -500
            bone_threshold_hu: 250
            halo_mm: 7.5

            """)
    }

    @Test func canonicalRoundTripOfAFullPlan() throws {
        let plan = PlanSpec(
            segmentation: SegmentationSpec(structures: [.body, .spinalCanal], haloMM: 12.25),
            dose: DoseCalculationSpec(target: "PTV 2", beams: BeamSetSpec(gantryDeg: [10.5, 0.1, 350], bixelMM: 2.5,
                                                                            isocentreMM: SIMD3(-0.1, 1e-3, 1234.5)),
                                      marginMM: 0, doseGridSpacingMM: SIMD3(1, 2, 10), historiesPerBeamlet: 10,
                                      uncertaintyBatches: 2, thresholdRelative: 0, storeInfluenceMatrix: true),
            prescription: PrescriptionSpec(target: "CTV", doseGy: 0.5, fractions: 100, normalise: .dmean),
            objectives: .listed([ObjectiveSpec(structure: "Cord", type: .maxDVH, doseGy: 45, volumePct: 0.1, penalty: 1e6),
                                 ObjectiveSpec(structure: "PTV 2", type: .eud, doseGy: 0.5, eudA: 0.25, penalty: 1e-9)]),
            optimizer: OptimizerSpec(maxIterations: 1, tolerance: 1e-12),
            goals: [GoalSpec(structure: "Cord", metric: .volumeAtDose(doseGy: 0.5), comparator: .atMost, value: 0)],
            finalHistoriesPerBeamlet: 10_000_000)
        let spec = JobSpec(name: "x", priority: 0, seed: 0, maxAttempts: 100, work: .plan(plan))
        let text = spec.canonicalYAML()
        #expect(try JobSpec.parse(yaml: text) == spec, "\(text)")
        var pencil = plan
        pencil.dose.engine = .pencilBeam
        pencil.dose.kernelHistories = 12_345
        pencil.finalHistoriesPerBeamlet = 10
        pencil.correctionHistoriesPerBeamlet = 10_000_000
        pencil.finalHistoryAllocation = .weighted
        pencil.correctionSmoothingMM = 6.5
        pencil.correctionIterations = 3
        pencil.correctionSmoothingRegions = .structures
        pencil.correctionWarmStart = .scaled
        let pencilSpec = JobSpec(name: "x", priority: 0, seed: 0, maxAttempts: 100, work: .plan(pencil))
        let pencilText = pencilSpec.canonicalYAML()
        #expect(try JobSpec.parse(yaml: pencilText) == pencilSpec, "\(pencilText)")
        #expect(pencilText.contains("engine: pencil_beam\nkernel_histories: 12345\n"))
        #expect(pencilText.contains("correction_histories_per_beamlet: 10000000\n") && !text.contains("correction_histories"))
        #expect(pencilText.contains("final_history_allocation: weighted\ncorrection_smoothing_mm: 6.5\ncorrection_iterations: 3\ncorrection_smoothing_regions: structures\ncorrection_warm_start: scaled\n"))
        #expect(!text.contains("final_history_allocation") && !text.contains("smoothing")
                && !text.contains("correction_iterations") && !text.contains("regions") && !text.contains("warm_start"),
                "defaults are not written, so existing canonical forms stay as they were")
    }

    /// `engine` defaults to Monte Carlo (for dose jobs too) and `kernel_histories` to 10^6; with the pencil beam the
    /// final recomputation may use fewer histories than `histories_per_beamlet` (which the pencil beam ignores).
    @Test func doseEngineDefaultsAndPencilBeam() throws {
        let base = "kind: dose\ntarget: PTV\nbeams: {gantry_deg: [0]}\n"
        guard case .dose(let d) = try JobSpec.parse(yaml: base).work else { Issue.record("not a dose job"); return }
        #expect(d.engine == .monteCarlo && d.kernelHistories == 1_000_000)
        guard case .dose(let pb) = try JobSpec.parse(yaml: base + "engine: pencil_beam\nkernel_histories: 20000\n").work else {
            Issue.record("not a dose job"); return
        }
        #expect(pb.engine == .pencilBeam && pb.kernelHistories == 20_000)
        let plan = """
            kind: plan
            target: PTV
            beams: {gantry_deg: [0]}
            engine: pencil_beam
            final_histories_per_beamlet: 500
            prescription: {dose_gy: 60}
            objectives: [{structure: PTV, type: squared_deviation, dose_gy: 60}]

            """
        guard case .plan(let p) = try JobSpec.parse(yaml: plan).work else { Issue.record("not a plan job"); return }
        #expect(p.dose.engine == .pencilBeam && p.finalHistoriesPerBeamlet == 500 && p.correctionHistoriesPerBeamlet == nil)
        guard case .plan(let corrected) = try JobSpec.parse(yaml: plan + "correction_histories_per_beamlet: 10\n").work else {
            Issue.record("not a plan job"); return
        }
        #expect(corrected.correctionHistoriesPerBeamlet == 10, "the lower bound of the range is accepted")
        #expect(p.finalHistoryAllocation == .uniform && p.correctionSmoothingMM == nil && p.correctionIterations == 1
                && p.correctionSmoothingRegions == .body && p.correctionWarmStart == .previous)
        let tuned = plan + "correction_histories_per_beamlet: 10000\nfinal_history_allocation: weighted\ncorrection_smoothing_mm: 50\ncorrection_iterations: 10\ncorrection_smoothing_regions: structures\n"
        guard case .plan(let t) = try JobSpec.parse(yaml: tuned).work else { Issue.record("not a plan job"); return }
        #expect(t.finalHistoryAllocation == .weighted && t.correctionSmoothingMM == 50 && t.correctionIterations == 10
                && t.correctionSmoothingRegions == .structures, "range ends accepted")
    }
}
