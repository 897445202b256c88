extension TransportSpec {
    /// Keys of the `transport:` block.
    static let keys = ["roulette_below_mev", "roulette_survival"]

    /// Reads a `transport:` mapping: `roulette_below_mev` in (0, 10] and `roulette_survival` in (0, 1), both or neither.
    init(reading value: SpecValue) throws(JobSpecError) {
        let m = try value.mapping(allowed: TransportSpec.keys)
        let below = m.optional("roulette_below_mev"), survival = m.optional("roulette_survival")
        switch (below, survival) {
        case (nil, nil):
            self.init()
        case (let b?, let s?):
            self.init(rouletteBelowMeV: try b.double(in: Self.rouletteBelowMeV), rouletteSurvival: try s.double(in: Self.rouletteSurvival))
        case (nil, _):
            throw JobSpecError(.missingKey, at: SpecMapping.join(value.path, "roulette_below_mev"), line: value.line,
                               "missing: roulette_survival needs roulette_below_mev (MeV, in \(Self.rouletteBelowMeV)), the energy below which scattered photons play roulette")
        case (_, nil):
            throw JobSpecError(.missingKey, at: SpecMapping.join(value.path, "roulette_survival"), line: value.line,
                               "missing: roulette_below_mev needs roulette_survival (in \(Self.rouletteSurvival)), the survival probability of the roulette")
        }
    }

    /// Writes the `transport:` block when roulette is on (the default, off, writes nothing).
    func write(to w: inout YAMLWriter) {
        guard rouletteEnabled else { return }
        w.block("transport") { w in
            w.line("roulette_below_mev", YAMLWriter.number(rouletteBelowMeV))
            w.line("roulette_survival", YAMLWriter.number(rouletteSurvival))
        }
    }
}
