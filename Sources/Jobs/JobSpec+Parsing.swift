import Yams

extension JobSpec {
    /// Keys every job accepts.
    static let commonKeys = ["kind", "name", "priority", "seed", "max_attempts"]
    /// Keys of a `dose` job besides the common ones (a `plan` job accepts them too).
    static let doseKeys = ["target", "beams", "margin_mm", "dose_grid", "histories_per_beamlet",
                           "uncertainty_batches", "threshold_relative", "store_influence_matrix", "engine", "kernel_histories",
                           "transport", "ignore_outside_densities", "history_allocation", "pilot_histories_per_beamlet"]
    /// Keys only a `dose` job accepts.
    static let doseOnlyKeys = ["open_field"]
    /// Keys only a `plan` job accepts.
    static let planOnlyKeys = ["segmentation", "prescription", "objectives", "optimizer", "goals",
                               "final_histories_per_beamlet", "correction_histories_per_beamlet",
                               "final_history_allocation", "correction_smoothing_mm",
                               "correction_iterations", "correction_smoothing_regions", "correction_warm_start"]

    /// Keys accepted at the top level of a job of `kind`.
    static func topLevelKeys(_ kind: JobKind) -> [String] {
        switch kind {
        case .segment: return commonKeys + SegmentationSpec.keys
        case .dose: return commonKeys + doseKeys + doseOnlyKeys
        case .plan: return commonKeys + doseKeys + planOnlyKeys
        case .selftest: return commonKeys + SelftestSpec.keys
        }
    }

    /// Parses and checks a job spec written in YAML (see docs/job-spec.md).
    ///
    /// Rejects, with the key path in the error: text over 1 MiB, anchors/aliases/tags/block scalars,
    /// syntax errors, empty or multi-document text, duplicate and unknown keys, missing required keys,
    /// wrong types, non-finite numbers, values out of range, lists over `maxListCount`, unknown enum
    /// values and structure names outside ``StructureName``'s rule. Structure existence is checked
    /// separately by `validate(againstCaseStructures:)`.
    public static func parse(yaml: String) throws(JobSpecError) -> JobSpec {
        let root = SpecValue(node: try YAMLDocument.compose(yaml), path: "")
        guard case .mapping(let rootMapping) = root.node else {
            throw root.error(.wrongType, "the document must be a mapping of keys to values, got \(root.shown)")
        }
        guard let kindNode = rootMapping["kind"] else {
            throw JobSpecError(.missingKey, at: "kind", line: root.line,
                               "missing: the job kind (\(JobKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let kind = try SpecValue(node: kindNode, path: "kind").choice(JobKind.self, what: "job kind")
        let allowed = topLevelKeys(kind)
        var elsewhere: [String: String] = [:]
        for other in JobKind.allCases where other != kind {
            for key in topLevelKeys(other) where !allowed.contains(key) {
                elsewhere[key] = kind == .plan && SegmentationSpec.keys.contains(key)
                    ? "in a plan job, segmentation settings go under `segmentation:`"
                    : "`\(key)` belongs to \(kindsUsing(key)) jobs, not to a \(kind.rawValue) job"
            }
        }
        let m = try root.mapping(allowed: allowed, elsewhere: elsewhere)
        let work: JobWork
        switch kind {
        case .segment: work = .segment(try SegmentationSpec(reading: m))
        case .dose: work = .dose(try DoseCalculationSpec(reading: m, kind: .dose))
        case .plan: work = .plan(try PlanSpec(reading: m))
        case .selftest: work = .selftest(try SelftestSpec(reading: m))
        }
        return JobSpec(
            name: try m.optional("name")?.label(maxLength: 128, what: "job name"),
            priority: try m.int("priority", default: 100, in: 0...1000),
            seed: try m.optional("seed")?.uint64() ?? 1,
            maxAttempts: try m.int("max_attempts", default: 3, in: 1...100),
            work: work)
    }

    private static func kindsUsing(_ key: String) -> String {
        JobKind.allCases.filter { topLevelKeys($0).contains(key) }.map(\.rawValue).joined(separator: " and ")
    }
}
