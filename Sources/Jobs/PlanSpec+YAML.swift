extension PlanSpec {
    /// The largest `correction_iterations` accepted.
    public static let maxCorrectionIterations = 10

    /// Reads the plan keys of the top-level mapping of a `plan` job.
    init(reading m: SpecMapping) throws(JobSpecError) {
        let dose = try DoseCalculationSpec(reading: m, kind: .plan)
        var segmentation: SegmentationSpec? = nil
        if let s = m.optional("segmentation") {
            segmentation = try SegmentationSpec(reading: try s.mapping(allowed: SegmentationSpec.keys))
        }
        let prescription = try PrescriptionSpec(reading: try m.required("prescription", "the prescription (dose_gy, fractions, normalise)"),
                                                defaultTarget: dose.target)
        let objectivesValue = try m.required("objectives", "a list of objectives, or from_case")
        let objectives: ObjectiveSource
        if case .sequence = objectivesValue.node {
            var listed: [ObjectiveSpec] = []
            for item in try objectivesValue.list(count: 1...JobSpec.maxListCount) { listed.append(try ObjectiveSpec(reading: item)) }
            objectives = .listed(listed)
        } else if case .scalar = objectivesValue.node, try objectivesValue.string() == "from_case" {
            objectives = .fromCase
        } else {
            throw objectivesValue.error(.invalidValue, "expected a list of objectives or from_case, got \(objectivesValue.shown)")
        }
        var optimizer = OptimizerSpec()
        var intermediateCap: SpecValue? = nil
        if let o = m.optional("optimizer") {
            let om = try o.mapping(allowed: ["max_iterations", "tolerance", "intermediate_max_iterations"])
            intermediateCap = om.optional("intermediate_max_iterations")
            optimizer = OptimizerSpec(maxIterations: try om.int("max_iterations", default: 500, in: 1...10_000),
                                      tolerance: try om.double("tolerance", default: 1e-6, in: Interval(1e-12, 0.1)),
                                      intermediateMaxIterations: try intermediateCap?.int(in: 1...10_000))
        }
        var goals: [GoalSpec] = []
        if let g = m.optional("goals") {
            for item in try g.list() { goals.append(try GoalSpec(reading: item)) }
        }
        var finalHistories: Int? = nil
        if let f = m.optional("final_histories_per_beamlet") {
            let n = try f.int(in: 10...10_000_000)
            guard n > dose.historiesPerBeamlet || dose.engine == .pencilBeam else {
                throw f.error(.invalidValue, "\(n) is not more than histories_per_beamlet (\(dose.historiesPerBeamlet)); the final recomputation must use more histories")
            }
            finalHistories = n
        }
        var correctionHistories: Int? = nil
        if let c = m.optional("correction_histories_per_beamlet") {
            let n = try c.int(in: 10...10_000_000)
            guard dose.engine == .pencilBeam else {
                throw c.error(.invalidValue, "a Monte Carlo correction needs engine: pencil_beam (the \(dose.engine.rawValue) matrix needs none)")
            }
            correctionHistories = n
        }
        let recomputed = finalHistories != nil || correctionHistories != nil
        var allocation = HistoryAllocation.uniform
        if let a = m.optional("final_history_allocation") {
            allocation = try a.choice(HistoryAllocation.self, what: "history allocation")
            guard recomputed else {
                throw a.error(.invalidValue, "needs final_histories_per_beamlet or correction_histories_per_beamlet (there are no Monte Carlo recomputations to allocate)")
            }
        }
        var smoothing: Double? = nil
        if let s = m.optional("correction_smoothing_mm") {
            smoothing = try s.double(in: Interval(0, 50, lowerOpen: true))
            guard correctionHistories != nil else {
                throw s.error(.invalidValue, "needs correction_histories_per_beamlet (there is no correction to smooth)")
            }
        }
        var regions = CorrectionSmoothingRegions.body
        if let r = m.optional("correction_smoothing_regions") {
            regions = try r.choice(CorrectionSmoothingRegions.self, what: "correction smoothing region")
            guard smoothing != nil else {
                throw r.error(.invalidValue, "needs correction_smoothing_mm (there is no smoothing to restrict)")
            }
        }
        var iterations = 1
        if let i = m.optional("correction_iterations") {
            iterations = try i.int(in: 1...PlanSpec.maxCorrectionIterations)
            guard correctionHistories != nil else {
                throw i.error(.invalidValue, "needs correction_histories_per_beamlet (there is no correction to iterate)")
            }
        }
        var warmStart = CorrectionWarmStart.previous
        if let r = m.optional("correction_warm_start") {
            warmStart = try r.choice(CorrectionWarmStart.self, what: "correction warm start")
            guard correctionHistories != nil else {
                throw r.error(.invalidValue, "needs correction_histories_per_beamlet (there is no re-optimisation to start)")
            }
        }
        if let cap = intermediateCap, correctionHistories == nil {
            throw cap.error(.invalidValue, "needs correction_histories_per_beamlet (without correction rounds every optimisation is the last)")
        }
        self.init(segmentation: segmentation, dose: dose, prescription: prescription, objectives: objectives,
                  optimizer: optimizer, goals: goals, finalHistoriesPerBeamlet: finalHistories,
                  correctionHistoriesPerBeamlet: correctionHistories, finalHistoryAllocation: allocation,
                  correctionSmoothingMM: smoothing,
                  correctionIterations: iterations, correctionSmoothingRegions: regions, correctionWarmStart: warmStart)
    }

    /// Writes the plan keys at the top level.
    func write(to w: inout YAMLWriter) {
        if let s = segmentation { w.block("segmentation") { w in s.write(to: &w) } }
        dose.write(to: &w)
        if let f = finalHistoriesPerBeamlet { w.line("final_histories_per_beamlet", String(f)) }
        if let c = correctionHistoriesPerBeamlet { w.line("correction_histories_per_beamlet", String(c)) }
        if finalHistoryAllocation != .uniform { w.line("final_history_allocation", finalHistoryAllocation.rawValue) }
        if let s = correctionSmoothingMM { w.line("correction_smoothing_mm", YAMLWriter.number(s)) }
        if correctionIterations != 1 { w.line("correction_iterations", String(correctionIterations)) }
        if correctionSmoothingRegions != .body { w.line("correction_smoothing_regions", correctionSmoothingRegions.rawValue) }
        if correctionWarmStart != .previous { w.line("correction_warm_start", correctionWarmStart.rawValue) }
        prescription.write(to: &w)
        switch objectives {
        case .fromCase: w.line("objectives", "from_case")
        case .listed(let list): w.block("objectives") { w in for o in list { o.write(to: &w) } }
        }
        w.block("optimizer") { w in
            w.line("max_iterations", String(optimizer.maxIterations))
            w.line("tolerance", YAMLWriter.number(optimizer.tolerance))
            if let cap = optimizer.intermediateMaxIterations { w.line("intermediate_max_iterations", String(cap)) }
        }
        if goals.isEmpty {
            w.line("goals", "[]")
        } else {
            w.block("goals") { w in for g in goals { g.write(to: &w) } }
        }
    }
}
