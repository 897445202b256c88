extension PrescriptionSpec {
    /// Reads a `prescription:` mapping; `target` defaults to the job's target (required when the job has none).
    init(reading value: SpecValue, defaultTarget: String?) throws(JobSpecError) {
        let m = try value.mapping(allowed: ["target", "dose_gy", "fractions", "normalise"])
        let target: String
        if let named = try m.optional("target")?.structureName() ?? defaultTarget {
            target = named
        } else {
            target = try m.required("target", "the structure the prescription applies to").structureName()
        }
        self.init(
            target: target,
            doseGy: try m.required("dose_gy", "the prescribed total dose in Gy").double(in: Interval(0, 100, lowerOpen: true)),
            fractions: try m.int("fractions", default: 1, in: 1...100),
            normalise: try m.optional("normalise")?.choice(PrescriptionNormalisation.self, what: "normalisation") ?? .none)
    }

    /// Writes the `prescription:` block.
    func write(to w: inout YAMLWriter) {
        w.block("prescription") { w in
            w.line("target", YAMLWriter.quoted(target))
            w.line("dose_gy", YAMLWriter.number(doseGy))
            w.line("fractions", String(fractions))
            w.line("normalise", normalise.rawValue)
        }
    }
}
