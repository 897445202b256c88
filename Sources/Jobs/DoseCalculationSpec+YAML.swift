extension DoseCalculationSpec {
    /// Reads the dose keys (`target` or `open_field`, `beams`, `dose_grid`, engine, statistics) of a `dose` or `plan` job.
    init(reading m: SpecMapping, kind: JobKind) throws(JobSpecError) {
        let beams = try BeamSetSpec(reading: try m.required("beams", "the beam set (at least `gantry_deg`)"))
        let openField = try m.optional("open_field").map { v throws(JobSpecError) in try OpenFieldSpec(reading: v, beams: beams) }
        let target: String?
        if openField == nil {
            target = try m.required("target", "the target structure the beamlets must cover (or an open_field)").structureName()
        } else {
            target = try m.optional("target")?.structureName()
            if target == nil, beams.isocentreMM == nil, openField?.ssdMM == nil, let o = m.optional("open_field") {
                throw o.error(.missingKey, "an open field needs open_field.ssd_mm, beams.isocentre_mm or a target (its centre of mass)")
            }
        }
        var spacing = SIMD3<Double>(repeating: 3)
        if let grid = m.optional("dose_grid") {
            let g = try grid.mapping(allowed: ["spacing_mm"])
            if let s = g.optional("spacing_mm") {
                let mm = Interval(1, 10)
                if case .sequence = s.node { spacing = try s.vector3(in: mm) } else { spacing = SIMD3(repeating: try s.double(in: mm)) }
            }
        }
        let histories = try m.int("histories_per_beamlet", default: 1000, in: 10...10_000_000)
        let batches = try m.int("uncertainty_batches", default: 10, in: 2...100)
        if batches > histories, let b = m.optional("uncertainty_batches") ?? m.optional("histories_per_beamlet") {
            throw b.error(.invalidValue, "\(batches) uncertainty batches need at least \(batches) histories per beamlet; histories_per_beamlet is \(histories)")
        }
        let engine = try m.optional("engine")?.choice(DoseEngine.self, what: "dose engine") ?? .monteCarlo
        var allocation = InfluenceHistoryAllocation.uniform
        if let a = m.optional("history_allocation") {
            allocation = try a.choice(InfluenceHistoryAllocation.self, what: "history allocation")
            if allocation == .targetFraction && engine != .monteCarlo {
                throw a.error(.invalidValue, "target_fraction needs engine: monte_carlo (the \(engine.rawValue) matrix has no histories)")
            }
            if allocation == .targetFraction && target == nil {
                throw a.error(.invalidValue, "target_fraction needs a target (the beamlets' dose fraction in it sets their histories)")
            }
        }
        if allocation != .targetFraction, let p = m.optional("pilot_histories_per_beamlet") {
            throw p.error(.invalidValue, "needs history_allocation: target_fraction (there is no pilot run)")
        }
        let pilot = try m.int("pilot_histories_per_beamlet", default: Self.defaultPilotHistories, in: 10...100_000)
        let kernelHistories = try m.int("kernel_histories", default: Self.defaultKernelHistories, in: 10_000...100_000_000)
        if engine != .pencilBeam, let k = m.optional("kernel_histories") {
            throw k.error(.invalidValue, "needs engine: pencil_beam (the \(engine.rawValue) engine computes no kernel)")
        }
        self.init(
            target: target,
            openField: openField,
            beams: beams,
            marginMM: try m.double("margin_mm", default: 5, in: Interval(0, 50)),
            doseGridSpacingMM: spacing,
            historiesPerBeamlet: histories,
            uncertaintyBatches: batches,
            thresholdRelative: try m.double("threshold_relative", default: 0.001, in: Interval(0, 0.1)),
            storeInfluenceMatrix: try m.optional("store_influence_matrix")?.bool() ?? (kind == .dose),
            engine: engine,
            kernelHistories: kernelHistories,
            transport: try m.optional("transport").map { v throws(JobSpecError) in try TransportSpec(reading: v) } ?? TransportSpec(),
            ignoreOutsideDensities: try m.optional("ignore_outside_densities")?.bool() ?? false,
            historyAllocation: allocation, pilotHistoriesPerBeamlet: pilot)
    }

    /// Writes the dose keys at the top level.
    func write(to w: inout YAMLWriter) {
        if let target { w.line("target", YAMLWriter.quoted(target)) }
        openField?.write(to: &w)
        beams.write(to: &w)
        w.line("margin_mm", YAMLWriter.number(marginMM))
        w.block("dose_grid") { w in w.line("spacing_mm", YAMLWriter.vector(doseGridSpacingMM)) }
        w.line("histories_per_beamlet", String(historiesPerBeamlet))
        w.line("uncertainty_batches", String(uncertaintyBatches))
        w.line("threshold_relative", YAMLWriter.number(thresholdRelative))
        w.line("store_influence_matrix", storeInfluenceMatrix ? "true" : "false")
        w.line("engine", engine.rawValue)
        if engine == .pencilBeam { w.line("kernel_histories", String(kernelHistories)) }
        transport.write(to: &w)
        if ignoreOutsideDensities { w.line("ignore_outside_densities", "true") }
        if historyAllocation != .uniform {
            w.line("history_allocation", historyAllocation.rawValue)
            w.line("pilot_histories_per_beamlet", String(pilotHistoriesPerBeamlet))
        }
    }
}
