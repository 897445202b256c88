extension BeamSetSpec {
    /// Keys of the `beams:` block.
    static let keys = ["gantry_deg", "couch_deg", "bixel_mm", "isocentre_mm", "sad_mm", "energy"]
    /// Most beams in one beam set.
    static let maxBeams = 36
    /// Gantry angles closer than this (degrees, around the circle) are one beam given twice.
    static let distinctAngleDeg = 0.01

    /// Reads a `beams:` mapping.
    init(reading value: SpecValue) throws(JobSpecError) {
        let m = try value.mapping(allowed: BeamSetSpec.keys)
        let items = try m.required("gantry_deg", "the list of gantry angles in degrees").list(count: 1...BeamSetSpec.maxBeams)
        var gantry: [Double] = []
        for item in items {
            let angle = try item.double(in: Interval(0, 360, upperOpen: true))
            if let j = gantry.firstIndex(where: { min(abs($0 - angle), 360 - abs($0 - angle)) < BeamSetSpec.distinctAngleDeg }) {
                let same = gantry[j] == angle ? "" : " (angles less than \(DecimalText.format(BeamSetSpec.distinctAngleDeg))° apart are one beam)"
                throw item.error(.invalidValue, "\(DecimalText.format(angle)) duplicates \(items[j].path)" + same)
            }
            gantry.append(angle)
        }
        if let couch = m.optional("couch_deg") {
            let angle = try couch.double(in: Interval(-360, 360))
            guard angle == 0 else {
                throw couch.error(.invalidValue, "\(couch.shown) is not supported; only coplanar beams (couch 0) are implemented")
            }
        }
        self.init(
            gantryDeg: gantry,
            bixelMM: try m.double("bixel_mm", default: 5, in: Interval(1, 20)),
            isocentreMM: try m.optional("isocentre_mm")?.vector3(in: Interval(-10_000, 10_000)),
            sadMM: try m.double("sad_mm", default: 1000, in: Interval(500, 2000)),
            energy: try m.optional("energy")?.choice(BeamEnergy.self, what: "beam energy") ?? .mv6)
    }

    /// Writes the `beams:` block.
    func write(to w: inout YAMLWriter) {
        w.block("beams") { w in
            w.line("gantry_deg", YAMLWriter.flowList(gantryDeg.map(YAMLWriter.number)))
            w.line("couch_deg", "0")
            w.line("bixel_mm", YAMLWriter.number(bixelMM))
            if let iso = isocentreMM { w.line("isocentre_mm", YAMLWriter.vector(iso)) }
            w.line("sad_mm", YAMLWriter.number(sadMM))
            w.line("energy", YAMLWriter.quoted(energy.rawValue))
        }
    }
}
