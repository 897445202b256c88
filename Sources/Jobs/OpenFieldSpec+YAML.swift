extension OpenFieldSpec {
    /// Keys of the `open_field:` block.
    static let keys = ["field_mm", "ssd_mm"]

    /// Reads an `open_field:` mapping of a dose job whose beams are `beams` (for the SSD and size checks).
    init(reading value: SpecValue, beams: BeamSetSpec) throws(JobSpecError) {
        let m = try value.mapping(allowed: OpenFieldSpec.keys)
        let fieldValue = try m.required("field_mm", "the field size [u, v] in mm on the isocentre plane")
        let items = try fieldValue.list(count: 2...2)
        var field = SIMD2<Double>()
        for axis in 0..<2 { field[axis] = try items[axis].double(in: Interval(beams.bixelMM, 400)) }
        var ssd: Double? = nil
        if let s = m.optional("ssd_mm") {
            let mm = try s.double(in: Interval(500, beams.sadMM))
            guard beams.isocentreMM == nil else {
                throw s.error(.invalidValue, "give either ssd_mm or beams.isocentre_mm, not both")
            }
            guard beams.gantryDeg.count == 1 else {
                throw s.error(.invalidValue, "an SSD set-up needs exactly one beam; \(beams.gantryDeg.count) gantry angles given (use beams.isocentre_mm)")
            }
            ssd = mm
        }
        self.init(fieldMM: field, ssdMM: ssd)
    }

    /// Writes the `open_field:` block.
    func write(to w: inout YAMLWriter) {
        w.block("open_field") { w in
            w.line("field_mm", YAMLWriter.flowList([fieldMM.x, fieldMM.y].map(YAMLWriter.number)))
            if let ssdMM { w.line("ssd_mm", YAMLWriter.number(ssdMM)) }
        }
    }
}
