import Testing
@testable import Jobs

/// Every validation rule rejects a malformed example with the right reason, naming the exact key path.
struct KeyPathErrorTests {
    static let beams: [MalformedSpec] = [
        .plan("[0, 120, 240]", "[0, 90, 180, 400]", "beams.gantry_deg[3]", .outOfRange, "400 is outside [0, 360)"),
        .plan("[0, 120, 240]", "[0, -10]", "beams.gantry_deg[1]", .outOfRange, "-10 is outside [0, 360)"),
        .plan("[0, 120, 240]", "[0, 360]", "beams.gantry_deg[1]", .outOfRange, "360 is outside [0, 360)"),
        .plan("[0, 120, 240]", "[0, 90, 0]", "beams.gantry_deg[2]", .invalidValue, "0 duplicates beams.gantry_deg[0]"),
        .plan("[0, 120, 240]", "[0, 359.9999999999]", "beams.gantry_deg[1]", .invalidValue,
              "359.9999999999 duplicates beams.gantry_deg[0] (angles less than 0.01° apart are one beam)"),
        .plan("[0, 120, 240]", "[40, 40.005]", "beams.gantry_deg[1]", .invalidValue, "40.005 duplicates beams.gantry_deg[0]"),
        .plan("[0, 120, 240]", "[\((0..<37).map(String.init).joined(separator: ", "))]", "beams.gantry_deg", .outOfRange, "37 elements; 1…36"),
        .plan("[0, 120, 240]", "[]", "beams.gantry_deg", .outOfRange, "0 elements"),
        .plan("[0, 120, 240]", "[0, .inf]", "beams.gantry_deg[1]", .invalidValue, "not a finite number"),
        .plan("[0, 120, 240]", "zero", "beams.gantry_deg", .wrongType, "expected a list"),
        .plan("bixel_mm: 5", "couch_deg: 90", "beams.couch_deg", .invalidValue, "only coplanar beams (couch 0)"),
        .plan("bixel_mm: 5", "energy: 10MV", "beams.energy", .invalidValue, "expected one of 6MV"),
        .plan("bixel_mm: 5", "bixel_mm: 0.5", "beams.bixel_mm", .outOfRange, "0.5 is outside [1, 20]"),
        .plan("bixel_mm: 5", "bixel_mm: \"5\"", "beams.bixel_mm", .wrongType, "expected a number, got \"5\""),
        .plan("bixel_mm: 5", "sad_mm: 100", "beams.sad_mm", .outOfRange, "[500, 2000]"),
        .plan("bixel_mm: 5", "isocentre_mm: [1, 2]", "beams.isocentre_mm", .outOfRange, "2 elements; 3…3"),
        .plan("bixel_mm: 5", "isocentre_mm: [1, 2, .nan]", "beams.isocentre_mm[2]", .invalidValue, ".nan is not a finite number"),
        .plan("bixel_mm: 5", "isocenter_mm: [1, 2, 3]", "beams.isocenter_mm", .unknownKey, "did you mean \"isocentre_mm\"?"),
        .plan("  gantry_deg: [0, 120, 240]\n", "", "beams.gantry_deg", .missingKey, "gantry angles"),
        .plan("beams:\n  gantry_deg: [0, 120, 240]\n  bixel_mm: 5", "beams: [0, 120]", "beams", .wrongType, "expected a mapping"),
    ]

    static let doseKeys: [MalformedSpec] = [
        .plan("target: PTV\n", "", "target", .missingKey, "target structure"),
        .plan("target: PTV", "target: ~", "target", .wrongType, "expected a string, got null"),
        .plan("target: PTV", "target: [PTV]", "target", .wrongType, "expected a string"),
        .plan(adding: "margin_mm: .nan", "margin_mm", .invalidValue, ".nan is not a finite number"),
        .plan(adding: "margin_mm: 1e999", "margin_mm", .invalidValue, "1e999 is not a finite number"),
        .plan(adding: "margin_mm: 51", "margin_mm", .outOfRange, "51 is outside [0, 50]"),
        .plan(adding: "dose_grid: {spacing_mm: 0.5}", "dose_grid.spacing_mm", .outOfRange, "0.5 is outside [1, 10]"),
        .plan(adding: "dose_grid: {spacing_mm: [3, 3, 11]}", "dose_grid.spacing_mm[2]", .outOfRange, "11 is outside [1, 10]"),
        .plan(adding: "dose_grid: {spacing_mm: [3, 3]}", "dose_grid.spacing_mm", .outOfRange, "2 elements"),
        .plan(adding: "dose_grid: {spacing: 3}", "dose_grid.spacing", .unknownKey, "allowed keys here: spacing_mm"),
        .plan("histories_per_beamlet: 100", "histories_per_beamlet: 5", "histories_per_beamlet", .outOfRange, "5 is outside [10, 10000000]"),
        .plan("histories_per_beamlet: 100", "histories_per_beamlet: 100.5", "histories_per_beamlet", .wrongType, "expected an integer"),
        // A Double reads this as exactly 100; the digits say it is not an integer.
        .plan("histories_per_beamlet: 100", "histories_per_beamlet: 100.0000000000000001", "histories_per_beamlet", .wrongType, "expected an integer"),
        .plan(adding: "kernel_histories: 100000", "kernel_histories", .invalidValue, "needs engine: pencil_beam"),
        .plan(adding: "uncertainty_batches: 1", "uncertainty_batches", .outOfRange, "[2, 100]"),
        .plan("histories_per_beamlet: 100", "histories_per_beamlet: 20\nuncertainty_batches: 50", "uncertainty_batches", .invalidValue, "need at least 50 histories"),
        .plan(adding: "threshold_relative: 0.2", "threshold_relative", .outOfRange, "0.2 is outside [0, 0.1]"),
        .plan(adding: "store_influence_matrix: yes", "store_influence_matrix", .wrongType, "expected true or false, got yes"),
        .plan(adding: "final_histories_per_beamlet: 100", "final_histories_per_beamlet", .invalidValue, "not more than histories_per_beamlet (100)"),
        .plan(adding: "engine: pencilbeam", "engine", .invalidValue,
              "unknown dose engine \"pencilbeam\"; did you mean \"pencil_beam\"?; expected one of monte_carlo, pencil_beam"),
        .plan(adding: "engine: [pencil_beam]", "engine", .wrongType, "expected a string"),
        .plan(adding: "correction_histories_per_beamlet: 10000", "correction_histories_per_beamlet", .invalidValue,
              "a Monte Carlo correction needs engine: pencil_beam"),
        .plan(adding: "engine: pencil_beam\ncorrection_histories_per_beamlet: 9", "correction_histories_per_beamlet", .outOfRange,
              "9 is outside [10, 10000000]"),
        .plan(adding: "final_history_allocation: weighted", "final_history_allocation", .invalidValue,
              "needs final_histories_per_beamlet or correction_histories_per_beamlet"),
        .plan(adding: "final_history_allocation: weighed", "final_history_allocation", .invalidValue,
              "unknown history allocation \"weighed\"; did you mean \"weighted\"?; expected one of uniform, weighted"),
        .plan(adding: "engine: pencil_beam\ncorrection_smoothing_mm: 5", "correction_smoothing_mm", .invalidValue,
              "needs correction_histories_per_beamlet"),
        .plan(adding: "engine: pencil_beam\ncorrection_histories_per_beamlet: 100\ncorrection_smoothing_mm: 0", "correction_smoothing_mm",
              .outOfRange, "0 is outside (0, 50]"),
        .plan(adding: "engine: pencil_beam\ncorrection_warm_start: scaled",
              "correction_warm_start", .invalidValue, "needs correction_histories_per_beamlet"),
        .plan(adding: "engine: pencil_beam\ncorrection_histories_per_beamlet: 100\ncorrection_warm_start: doubled",
              "correction_warm_start", .invalidValue, "correction warm start"),
        .plan(adding: "engine: pencil_beam\ncorrection_histories_per_beamlet: 100\ncorrection_smoothing_regions: structures",
              "correction_smoothing_regions", .invalidValue, "needs correction_smoothing_mm"),
        .plan(adding: "engine: pencil_beam\ncorrection_histories_per_beamlet: 100\ncorrection_smoothing_mm: 6\ncorrection_smoothing_regions: structure",
              "correction_smoothing_regions", .invalidValue,
              "unknown correction smoothing region \"structure\"; did you mean \"structures\"?; expected one of body, structures"),
        .plan(adding: "engine: pencil_beam\ncorrection_iterations: 2", "correction_iterations", .invalidValue,
              "needs correction_histories_per_beamlet"),
        .plan(adding: "engine: pencil_beam\ncorrection_histories_per_beamlet: 100\ncorrection_iterations: 11", "correction_iterations",
              .outOfRange, "11 is outside [1, 10]"),
        .plan(adding: "kernel_histories: 999", "kernel_histories", .outOfRange, "999 is outside [10000, 100000000]"),
        .plan(adding: "kernel_histories: 1.0e9", "kernel_histories", .outOfRange, "outside [10000, 100000000]"),
    ]

    static let common: [MalformedSpec] = [
        .plan("kind: plan\n", "", "kind", .missingKey, "segment, dose, plan"),
        .plan("kind: plan", "kind: plans", "kind", .invalidValue, "unknown job kind \"plans\"; did you mean \"plan\"?"),
        .plan(adding: "priority: high", "priority", .wrongType, "expected a number, got high"),
        .plan(adding: "priority: 1001", "priority", .outOfRange, "1001 is outside [0, 1000]"),
        .plan(adding: "priority: 0x10", "priority", .wrongType, "expected a number, got 0x10"),
        .plan(adding: "priority: 010", "priority", .wrongType, "expected a number, got 010"),
        .plan(adding: "seed: 007", "seed", .wrongType, "expected an integer"),
        .plan(adding: "max_attempts: 0", "max_attempts", .outOfRange, "[1, 100]"),
        .plan(adding: "seed: -1", "seed", .wrongType, "expected an integer in [0, 18446744073709551615]"),
        .plan(adding: "seed: 18446744073709551616", "seed", .wrongType, "expected an integer"),
        .plan(adding: "seed: 1.8446744073709551616e19", "seed", .wrongType, "expected an integer"),
        .plan(adding: "seed: 2.5", "seed", .wrongType, "expected an integer"),
        .plan(adding: "seed: -1e0", "seed", .wrongType, "expected an integer"),
        .plan(adding: "seed: 1e", "seed", .wrongType, "expected an integer"),
        .plan(adding: "name: \"\(String(repeating: "a", count: 129))\"", "name", .invalidValue, "1…128 characters"),
        .plan(adding: "histories_per_beamlt: 10", "histories_per_beamlt", .unknownKey, "did you mean \"histories_per_beamlet\"?"),
        .plan(adding: "colour: red", "colour", .unknownKey, "allowed keys here: kind, name"),
        .plan(adding: "structures: [body]", "structures", .unknownKey, "segmentation settings go under `segmentation:`"),
        .segment("structures: [body]\nbeams: {gantry_deg: [0]}", "beams", .unknownKey, "`beams` belongs to dose and plan jobs, not to a segment job"),
        .plan("kind: plan", "kind: dose", "prescription", .unknownKey, "belongs to plan jobs, not to a dose job"),
        .plan(adding: "seed: 1\nseed: 2", "seed", .duplicateKey, "appears more than once"),
    ]

    static let plan: [MalformedSpec] = [
        .plan("type: squared_overdose", "type: squared_overdos", "objectives[1].type", .invalidValue,
              "unknown type \"squared_overdos\"; did you mean \"squared_overdose\"?; expected one of squared_deviation, squared_underdose, squared_overdose, min_dvh, max_dvh, mean_dose, eud"),
        .plan("type: squared_overdose, dose_gy: 40", "type: squared_overdose", "objectives[1].dose_gy", .missingKey, "reference dose"),
        .plan("type: squared_overdose", "type: min_dvh", "objectives[1].volume_pct", .missingKey, "required for min_dvh"),
        .plan("dose_gy: 40}", "dose_gy: 40, volume_pct: 5}", "objectives[1].volume_pct", .invalidValue, "only to min_dvh and max_dvh objectives, not to squared_overdose"),
        .plan("type: squared_overdose, dose_gy: 40", "type: max_dvh, dose_gy: 40, volume_pct: 150", "objectives[1].volume_pct", .outOfRange, "150 is outside [0, 100]"),
        .plan("type: squared_overdose", "type: eud", "objectives[1].eud_a", .missingKey, "EUD exponent"),
        .plan("type: squared_overdose, dose_gy: 40", "type: eud, dose_gy: 40, eud_a: 0", "objectives[1].eud_a", .invalidValue, "must not be 0"),
        .plan("dose_gy: 40}", "dose_gy: 40, eud_a: 8}", "objectives[1].eud_a", .invalidValue, "only to eud objectives"),
        .plan("penalty: 100", "penalty: 0", "objectives[0].penalty", .outOfRange, "0 is outside (0, 1000000]"),
        .plan("penalty: 100", "penalty: 100, weight: 2", "objectives[0].weight", .unknownKey, "allowed keys here: structure, type"),
        .plan("  - {structure: Cord, type: squared_overdose, dose_gy: 40}", "  - Cord", "objectives[1]", .wrongType, "expected a mapping"),
        .plan("objectives:\n  - {structure: PTV, type: squared_deviation, dose_gy: 60, penalty: 100}\n  - {structure: Cord, type: squared_overdose, dose_gy: 40}",
              "objectives: from_cas", "objectives", .invalidValue, "expected a list of objectives or from_case"),
        .plan("objectives:\n  - {structure: PTV, type: squared_deviation, dose_gy: 60, penalty: 100}\n  - {structure: Cord, type: squared_overdose, dose_gy: 40}",
              "objectives: []", "objectives", .outOfRange, "0 elements"),
        .plan("dose_gy: 60, fractions", "dose_gy: 0, fractions", "prescription.dose_gy", .outOfRange, "0 is outside (0, 100]"),
        .plan("dose_gy: 60, fractions", "dose_gy: 120, fractions", "prescription.dose_gy", .outOfRange, "120 is outside (0, 100]"),
        .plan("fractions: 30", "fractions: 0", "prescription.fractions", .outOfRange, "[1, 100]"),
        .plan("normalise: d95", "normalise: d90", "prescription.normalise", .invalidValue, "expected one of d95, dmean, none"),
        .plan("normalise: d95", "normalize: d95", "prescription.normalize", .unknownKey, "did you mean \"normalise\"?"),
        .plan("prescription: {dose_gy: 60, fractions: 30, normalise: d95}\n", "", "prescription", .missingKey, "prescription"),
        .plan("metric: D95", "metric: D95%", "goals[0].metric", .invalidValue, "unknown metric \"D95%\""),
        .plan("metric: D95", "metric: V20", "goals[0].metric", .invalidValue, "e.g. V20Gy"),
        .plan("comparator: min", "comparator: <", "goals[0].comparator", .invalidValue, "expected max, <=, ≤ (at most) or min, >=, ≥ (at least)"),
        .plan("metric: D95", "metric: V20Gy", "goals[0].value_gy", .invalidValue, "V20Gy is a volume metric; give value_pct"),
        .plan("value_gy: 60", "value_pct: 60", "goals[0].value_pct", .invalidValue, "D95 is a dose metric; give value_gy"),
        .plan(", value_gy: 60", "", "goals[0].value_gy", .missingKey, "threshold"),
        .plan("value_gy: 60", "value_gy: 250", "goals[0].value_gy", .outOfRange, "250 is outside [0, 200]"),
        .plan(adding: "optimizer: {max_iterations: 0}", "optimizer.max_iterations", .outOfRange, "[1, 10000]"),
        .plan(adding: "optimizer: {tol: 1e-3}", "optimizer.tol", .unknownKey, "allowed keys here: max_iterations, tolerance"),
        .plan(adding: "segmentation: {structures: [body, lung_lft]}", "segmentation.structures[1]", .invalidValue,
              "unknown structure \"lung_lft\"; did you mean \"lung_left\"?; expected one of body, lung_left, lung_right, trachea, bones, spinal_canal"),
    ]

    static let segmentation: [MalformedSpec] = [
        .segment("structures: [body, bones, body]", "structures[2]", .invalidValue, "\"body\" is listed twice (also at structures[0])"),
        .segment("structures: [body, heart]", "structures[1]", .invalidValue, "unknown structure \"heart\""),
        .segment("structures: []", "structures", .outOfRange, "0 elements"),
        .segment("body_threshold_hu: -300", "structures", .missingKey, "structures to produce"),
        .segment("structures: [body]\nbody_threshold_hu: 100", "body_threshold_hu", .outOfRange, "100 is outside [-1000, 0]"),
        .segment("structures: [body]\nlung_threshold_hu: 0", "lung_threshold_hu", .outOfRange, "[-1000, -100]"),
        .segment("structures: [body]\nhalo_mm: -1", "halo_mm", .outOfRange, "[0, 100]"),
        .segment("structures: [body]\ntarget: PTV", "target", .unknownKey, "belongs to dose and plan jobs"),
    ]

    static let names: [MalformedSpec] = [
        .plan("target: PTV", "target: \"PTV\\\\2\"", "target", .invalidValue, "contains a backslash, the DICOM value separator"),
        .plan("target: PTV", "target: ../../etc/passwd", "target", .invalidValue, "contains \"/\""),
        .plan("target: PTV", "target: \"..\"", "target", .invalidValue, "HDF5 reserves"),
        .plan("target: PTV", "target: \"PTV\\u2028\"", "target", .invalidValue, "U+2028"),
        .plan("target: PTV", "target: \"PTV\\u00A0\"", "target", .invalidValue, "no leading or trailing space"),
        .plan("target: PTV", "target: \"PTV\\u202E\"", "target", .invalidValue, "PTV\\u{202e}"),
        .plan("target: PTV", "target: \" PTV\"", "target", .invalidValue, "no leading or trailing space"),
        .plan("target: PTV", "target: \"\"", "target", .invalidValue, "1…64 bytes in UTF-8 (64 ASCII characters, fewer of other scripts), got 0 bytes"),
        .plan("structure: Cord", "structure: \(String(repeating: "x", count: 65))", "objectives[1].structure", .invalidValue, "got 65 bytes"),
        .plan("{structure: PTV, metric", "{structure: \"P\\tTV\", metric", "goals[0].structure", .invalidValue, "P\\u{9}TV"),
    ]

    @Test(arguments: beams + doseKeys + common + plan + segmentation + names)
    func rejectionNamesTheKeyPath(_ example: MalformedSpec) {
        let error = #expect(throws: JobSpecError.self) { try JobSpec.parse(yaml: example.yaml) }
        #expect(error?.keyPath == example.keyPath, "\(error.map(String.init(describing:)) ?? "no error")")
        #expect(error?.reason == example.reason)
        #expect(error?.message.contains(example.fragment) == true, "\(error?.message ?? "")")
        #expect(error?.description.hasPrefix(example.keyPath + ": ") == true)
    }

    @Test func theBasePlanIsValid() throws {
        let spec = try JobSpec.parse(yaml: MalformedSpec.basePlan)
        try spec.validate(againstCaseStructures: ["PTV", "Cord"])
    }

    @Test func duplicateNestedKeyNamesItsFullPath() {
        let yaml = MalformedSpec.basePlan.replacingOccurrences(of: "  bixel_mm: 5", with: "  bixel_mm: 5\n  bixel_mm: 6")
        let error = #expect(throws: JobSpecError.self) { try JobSpec.parse(yaml: yaml) }
        #expect(error?.reason == .duplicateKey)
        #expect(error?.keyPath == "beams.bixel_mm")
        #expect(error?.line == 5)
    }

    @Test func errorsCarryTheSourceLine() {
        let yaml = MalformedSpec.basePlan.replacingOccurrences(of: "[0, 120, 240]", with: "[0, 120, 400]")
        let error = #expect(throws: JobSpecError.self) { try JobSpec.parse(yaml: yaml) }
        #expect(error?.line == 4)
        #expect(error?.description == "beams.gantry_deg[2]: 400 is outside [0, 360) (line 4)")
    }
}
