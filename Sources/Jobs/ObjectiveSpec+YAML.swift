extension ObjectiveSpec {
    /// Reads one element of `objectives:`; `volume_pct` is required exactly for DVH types and
    /// `eud_a` exactly for `eud`.
    init(reading value: SpecValue) throws(JobSpecError) {
        let m = try value.mapping(allowed: ["structure", "type", "dose_gy", "volume_pct", "eud_a", "penalty"])
        let structure = try m.required("structure", "the structure the objective applies to").structureName()
        let type = try m.required("type", "the objective type").choice(ObjectiveType.self, what: "type")
        let doseGy = try m.required("dose_gy", "the reference dose in Gy").double(in: Interval(0, 200))
        var volumePct: Double? = nil
        if type.needsVolume {
            volumePct = try m.required("volume_pct", "the DVH volume in % (required for \(type.rawValue))").double(in: Interval(0, 100))
        } else if let v = m.optional("volume_pct") {
            throw v.error(.invalidValue, "volume_pct applies only to min_dvh and max_dvh objectives, not to \(type.rawValue)")
        }
        var eudA: Double? = nil
        if type.needsEUDExponent {
            let a = try m.required("eud_a", "the EUD exponent a (required for eud)")
            let exponent = try a.double(in: Interval(-100, 100))
            guard exponent != 0 else { throw a.error(.invalidValue, "the EUD exponent must not be 0 (EUD is undefined there)") }
            eudA = exponent
        } else if let a = m.optional("eud_a") {
            throw a.error(.invalidValue, "eud_a applies only to eud objectives, not to \(type.rawValue)")
        }
        self.init(structure: structure, type: type, doseGy: doseGy, volumePct: volumePct, eudA: eudA,
                  penalty: try m.double("penalty", default: 1, in: Interval(0, 1e6, lowerOpen: true)))
    }

    /// Writes this objective as one list item.
    func write(to w: inout YAMLWriter) {
        w.item { w in
            w.line("structure", YAMLWriter.quoted(structure))
            w.line("type", type.rawValue)
            w.line("dose_gy", YAMLWriter.number(doseGy))
            if let v = volumePct { w.line("volume_pct", YAMLWriter.number(v)) }
            if let a = eudA { w.line("eud_a", YAMLWriter.number(a)) }
            w.line("penalty", YAMLWriter.number(penalty))
        }
    }
}
