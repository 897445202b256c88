import Core
import Dose
import Foundation
import Jobs
import Planning
import Store

/// The coordinator side of a `plan` job: a state machine over the stages [segmentation (a delegated
/// `SegmentRun`)] → influence → optimisation (a collective phase) → [correction dose → re-optimisation (collective)] →
/// [final dose] → evaluation. Every phase's tasks are tagged with their stage; the phase names and the wall time of
/// every stage go into the result.
///
/// With `correction_histories_per_beamlet` the first fluence w is recomputed with Monte Carlo, and the correction
/// c = D_mc·w − D_pb·w (per dose voxel, on the coordinator) is added as a fixed dose offset to the pencil-beam
/// problem, which is optimised again from w; with `correction_smoothing_mm` the correction is first low-pass filtered
/// inside the body (``CorrectionSmoothing``), which keeps the pencil beam's smooth systematic error and damps the
/// correction's Monte Carlo noise. With `correction_iterations` n > 1 the correction dose and the re-optimisation are
/// repeated n times, each round's correction computed for the fluence of the round before (seed offset
/// ``PlanFinalDose/correctionSeedOffset(round:)``), and each round's model mismatch is recorded
/// (``modelMismatchRelative(monteCarloGy:modelGy:target:)``).
final class PlanRun: JobRun {
    /// What the stages after segmentation share: the dose set-up, the structures on the dose grid, the objectives.
    struct Inputs {
        let setup: DoseSetup
        let structures: DoseGridStructures
        let objectives: [ObjectiveSpec]
        /// The patient and geometry fields of every beamlet batch (influence, correction and final dose).
        let shared: SharedBeamletFields
    }

    private enum State {
        case starting
        case segmentation(SegmentRun)
        case influence(InfluenceStage, Inputs)
        case optimisation(Inputs, matrix: Dose.InfluenceMatrix, bookkeeping: EnergyBookkeeping, blocks: PlanOptimisationMessages.Blocks)
        case correctionDose(Inputs, matrix: Dose.InfluenceMatrix, bookkeeping: EnergyBookkeeping, blocks: PlanOptimisationMessages.Blocks,
                            weights: [Double], stage: PlanFinalDose, round: Int, previousCorrectionGy: [Double]?)
        case reoptimisation(Inputs, matrix: Dose.InfluenceMatrix, bookkeeping: EnergyBookkeeping, blocks: PlanOptimisationMessages.Blocks,
                            round: Int, correctionGy: [Double])
        case finalDose(Inputs, matrix: Dose.InfluenceMatrix, optimisation: FluenceOptimisationResult, stage: PlanFinalDose,
                       correctionGy: [Double]?)
        case finished
    }

    private let spec: PlanSpec
    private let seed: UInt64
    private let caseFile: CaseFile
    /// Where pencil-beam kernels are cached, or nil.
    private let kernelCache: KernelCache?
    /// Checked between the coordinator's own steps (set-up, corrections, evaluation): a cancelled job stops there.
    private let cancellation: JobCancellation
    /// What the influence stage did with the kernel cache.
    private var kernelCacheOutcome: KernelCache.Outcome?
    /// The Monte Carlo matrix's history allocation (attributes and arrays), when not uniform.
    private var allocation: (attributes: [String: AttributeValue], arrays: [String: ResultArray]) = ([:], [:])
    private var state: State
    private var segmentation: ResultFile?
    private var phaseNames: [String] = []
    private var stageSeconds: [(PlanStage, Double)] = []
    private var stageStarted = ContinuousClock.now
    /// Per correction round, the prescription target's relative model mismatch of the fluence optimised with that round's correction.
    private var modelMismatch: [Double] = []
    /// Per Monte Carlo recomputation (each correction round, then the final dose), the unsmoothed Monte Carlo dose of the
    /// fluence against the model it was optimised on (round 1: the pencil beam alone), in the target's edge shell and interior.
    private var targetMismatch: [TargetModelMismatch] = []
    /// Per correction round, the factor on the start fluence of the re-optimisation (`correction_warm_start: scaled`).
    private var warmStartScales: [Double] = []
    /// Each optimisation round's result (the first, then each re-optimisation).
    private var optimiserRounds: [FluenceOptimisationResult] = []

    init(spec: PlanSpec, seed: UInt64, caseFile: CaseFile, kernelCache: KernelCache? = nil, cancellation: JobCancellation = .never) throws {
        self.spec = spec
        self.seed = seed
        self.caseFile = caseFile
        self.kernelCache = kernelCache
        self.cancellation = cancellation
        if let request = spec.segmentation {
            state = .segmentation(try SegmentRun(ct: caseFile.ct, request: SegmentKind.request(from: request), haloMM: request.haloMM,
                                                 cancellation: cancellation))
        } else {
            state = .starting
        }
    }

    func firstStep() throws -> JobStep {
        stageStarted = .now
        if case .segmentation(let run) = state { return try segmentationStep(run.firstStep()) }
        return try startInfluence()
    }

    func nextStep(after results: [TaskPayload]) throws -> JobStep {
        switch state {
        case .segmentation(let run):
            return try segmentationStep(run.nextStep(after: results))
        case .influence(let stage, let inputs):
            let (matrix, bookkeeping): (Dose.InfluenceMatrix, EnergyBookkeeping)
            let finished = try Self.stage(named: stage.phaseName)
            switch try stage.nextStep(after: results) {
            case .tasks(let tasks):
                endStage(finished)
                return phase(try Self.stage(named: stage.phaseName), tasks)
            case .matrix(let m, let b): (matrix, bookkeeping) = (m, b)
            }
            kernelCacheOutcome = stage.kernelCacheOutcome
            allocation = DoseRun.allocationRecord(stage)
            endStage(.influence)
            let blocks = try PlanOptimisationMessages.Blocks(.init(influence: matrix, structures: inputs.structures, objectives: inputs.objectives,
                                                                   prescription: spec.prescription, optimizer: spec.optimizer))
            state = .optimisation(inputs, matrix: matrix, bookkeeping: bookkeeping, blocks: blocks)
            return collective(.optimisation, blocks.limited(to: intermediateCap(round: 0)))
        case .optimisation(let inputs, let matrix, let bookkeeping, let blocks):
            let optimisation = try Self.optimisationResult(results, beamletCount: matrix.columnCount)
            endStage(.optimisation)
            optimiserRounds.append(optimisation)
            guard let histories = spec.correctionHistoriesPerBeamlet else {
                return try afterOptimisation(inputs, matrix: matrix, bookkeeping: bookkeeping, optimisation: optimisation)
            }
            return try correctionDose(inputs, matrix: matrix, bookkeeping: bookkeeping, blocks: blocks, weights: optimisation.weights,
                                      histories: histories, round: 1, previousCorrectionGy: nil)
        case .correctionDose(let inputs, let matrix, let bookkeeping, let blocks, let weights, let stage, let round, let previous):
            let (monteCarlo, _) = try stage.dose(from: results, grid: inputs.setup.patient.grid)
            try cancellation.check()
            let pencilBeamGy = try matrix.dose(weights: weights).voxels.map(Double.init)
            var correctionGy = Self.correctionGy(monteCarlo: monteCarlo, pencilBeamGy: pencilBeamGy)
            try recordTargetMismatch(inputs, pencilBeamGy: pencilBeamGy, monteCarloGy: nil, rawCorrectionGy: correctionGy,
                                     modelCorrectionGy: previous)
            if let sigmaMM = spec.correctionSmoothingMM {
                let patient = inputs.setup.patient
                let filter = spec.correctionSmoothingRegions == .structures
                    ? try CorrectionSmoothing(patient: patient, sigmaMM: sigmaMM, structures: inputs.structures)
                    : try CorrectionSmoothing(patient: patient, sigmaMM: sigmaMM)
                try cancellation.check()
                correctionGy = filter.smooth(correctionGy)
                try cancellation.check()
            }
            if let previous {
                let target = try inputs.structures.mask(named: spec.prescription.target, for: "prescription.target")
                modelMismatch.append(try Self.modelMismatchRelative(monteCarloGy: zip(pencilBeamGy, correctionGy).map { $0 + $1 },
                                                                    modelGy: zip(pencilBeamGy, previous).map { $0 + $1 }, target: target))
            }
            var startWeights = weights
            if spec.correctionWarmStart == .scaled {
                let target = try inputs.structures.mask(named: spec.prescription.target, for: "prescription.target")
                let scale = Self.warmStartScale(pencilBeamGy: pencilBeamGy, previousCorrectionGy: previous, correctionGy: correctionGy, target: target)
                startWeights = weights.map { $0 * scale }
                warmStartScales.append(scale)
            }
            endStage(.correctionDose)
            state = .reoptimisation(inputs, matrix: matrix, bookkeeping: bookkeeping, blocks: blocks, round: round, correctionGy: correctionGy)
            return collective(.reoptimisation, try blocks.corrected(doseOffsetGy: correctionGy, startWeights: startWeights)
                .limited(to: intermediateCap(round: round)))
        case .reoptimisation(let inputs, let matrix, let bookkeeping, let blocks, let round, let correctionGy):
            let optimisation = try Self.optimisationResult(results, beamletCount: matrix.columnCount)
            endStage(.reoptimisation)
            optimiserRounds.append(optimisation)
            if round < spec.correctionIterations, let histories = spec.correctionHistoriesPerBeamlet {
                return try correctionDose(inputs, matrix: matrix, bookkeeping: bookkeeping, blocks: blocks, weights: optimisation.weights,
                                          histories: histories, round: round + 1, previousCorrectionGy: correctionGy)
            }
            return try afterOptimisation(inputs, matrix: matrix, bookkeeping: bookkeeping, optimisation: optimisation, correctionGy: correctionGy)
        case .finalDose(let inputs, let matrix, let optimisation, let stage, let correctionGy):
            let (final, bookkeeping) = try stage.dose(from: results, grid: inputs.setup.patient.grid)
            if let correctionGy {
                let finalGy = final.doseGy.voxels.map(Double.init)
                let pencilBeamGy = try matrix.dose(weights: optimisation.weights).voxels.map(Double.init)
                let target = try inputs.structures.mask(named: spec.prescription.target, for: "prescription.target")
                modelMismatch.append(try Self.modelMismatchRelative(monteCarloGy: finalGy, modelGy: zip(pencilBeamGy, correctionGy).map { $0 + $1 },
                                                                    target: target))
                try recordTargetMismatch(inputs, pencilBeamGy: pencilBeamGy, monteCarloGy: finalGy, rawCorrectionGy: nil,
                                         modelCorrectionGy: correctionGy)
            }
            endStage(.finalDose)
            return try finish(inputs, matrix: matrix, optimisation: optimisation, final: final, bookkeeping: bookkeeping)
        case .starting, .finished:
            throw PlanKindError("results arrived with no plan stage running")
        }
    }

    /// The correction-dose phase of round `round` (1-based) for the fluence `weights`.
    private func correctionDose(_ inputs: Inputs, matrix: Dose.InfluenceMatrix, bookkeeping: EnergyBookkeeping,
                                blocks: PlanOptimisationMessages.Blocks, weights: [Double], histories: Int, round: Int,
                                previousCorrectionGy: [Double]?) throws -> JobStep {
        let stage = try PlanFinalDose(setup: inputs.setup, shared: inputs.shared, weights: weights, historiesPerBeamlet: histories,
                                      seedOffset: PlanFinalDose.correctionSeedOffset(round: round), allocation: spec.finalHistoryAllocation)
        state = .correctionDose(inputs, matrix: matrix, bookkeeping: bookkeeping, blocks: blocks, weights: weights, stage: stage,
                                round: round, previousCorrectionGy: previousCorrectionGy)
        return phase(.correctionDose, stage.tasks)
    }

    /// Records the edge/interior comparison of a Monte Carlo dose of `weights` (given, or D_pb·w + `rawCorrectionGy`)
    /// against its model D_pb·w + `modelCorrectionGy` (the pencil beam alone when nil).
    private func recordTargetMismatch(_ inputs: Inputs, pencilBeamGy: [Double], monteCarloGy: [Double]?,
                                      rawCorrectionGy: [Double]?, modelCorrectionGy: [Double]?) throws {
        let target = try inputs.structures.mask(named: spec.prescription.target, for: "prescription.target")
        let monteCarlo = monteCarloGy ?? zip(pencilBeamGy, rawCorrectionGy ?? []).map { $0 + $1 }
        let model = modelCorrectionGy.map { zip(pencilBeamGy, $0).map { $0 + $1 } } ?? pencilBeamGy
        targetMismatch.append(try TargetModelMismatch(monteCarloGy: monteCarlo, modelGy: model, target: target))
    }

    /// The final dose of the optimised fluence, or straight to the evaluation when the spec asks for none.
    private func afterOptimisation(_ inputs: Inputs, matrix: Dose.InfluenceMatrix, bookkeeping: EnergyBookkeeping,
                                   optimisation: FluenceOptimisationResult, correctionGy: [Double]? = nil) throws -> JobStep {
        guard let histories = spec.finalHistoriesPerBeamlet else {
            return try finish(inputs, matrix: matrix, optimisation: optimisation,
                              final: try ForwardDose(matrix: matrix, weights: optimisation.weights), bookkeeping: bookkeeping)
        }
        let stage = try PlanFinalDose(setup: inputs.setup, shared: inputs.shared, weights: optimisation.weights, historiesPerBeamlet: histories,
                                      seedOffset: PlanFinalDose.finalSeedOffset, allocation: spec.finalHistoryAllocation)
        state = .finalDose(inputs, matrix: matrix, optimisation: optimisation, stage: stage, correctionGy: correctionGy)
        return phase(.finalDose, stage.tasks)
    }

    /// A collective optimisation phase of `blocks` tagged with `stage`; records the phase name.
    private func collective(_ stage: PlanStage, _ blocks: PlanOptimisationMessages.Blocks) -> JobStep {
        phaseNames.append(stage.rawValue)
        return .collective { members in blocks.tasks(members: members).map(stage.tagged) }
    }

    /// The plan stage of an influence-stage phase name.
    private static func stage(named name: String) throws -> PlanStage {
        guard let stage = PlanStage(rawValue: name) else { throw PlanKindError("unknown influence phase \(name)") }
        return stage
    }

    /// The iteration limit of the optimisation after correction round `round` (0: the first optimisation) when a
    /// correction round follows it (`optimizer.intermediate_max_iterations`), else nil (the spec's limit).
    private func intermediateCap(round: Int) -> Int? {
        guard spec.correctionHistoriesPerBeamlet != nil, round < spec.correctionIterations,
              let cap = spec.optimizer.intermediateMaxIterations else { return nil }
        return min(cap, spec.optimizer.maxIterations)
    }

    /// Member 0's optimisation result.
    private static func optimisationResult(_ results: [TaskPayload], beamletCount: Int) throws -> FluenceOptimisationResult {
        guard let first = results.first else { throw PlanKindError("no optimisation result") }
        return try PlanOptimisationMessages.decodeResult(first, beamletCount: beamletCount)
    }

    /// The Monte Carlo correction per dose voxel, D_mc·w − D_pb·w in Gy.
    static func correctionGy(monteCarlo: ForwardDose, pencilBeamGy: [Double]) -> [Double] {
        zip(monteCarlo.doseGy.voxels, pencilBeamGy).map { Double($0) - $1 }
    }

    /// The factor on the fluence `w` a re-optimisation starts from (`correction_warm_start: scaled`): with it the target's
    /// mean model dose s·D_pb·w + c_new equals the mean of the model w was optimised on, D_pb·w + c_prev (c_prev = 0 in
    /// round 1). The correction lifts or lowers the whole target by a few per cent; starting from the rescaled fluence
    /// the optimiser need not find that common factor iteration by iteration. 1 when the target has no pencil-beam dose;
    /// clamped to [0.5, 2].
    static func warmStartScale(pencilBeamGy: [Double], previousCorrectionGy: [Double]?, correctionGy: [Double], target: MaskVolume) -> Double {
        var pencil = 0.0, previous = 0.0, current = 0.0
        for (i, inside) in target.voxels.enumerated() where inside != 0 {
            pencil += pencilBeamGy[i]
            previous += previousCorrectionGy?[i] ?? 0
            current += correctionGy[i]
        }
        guard pencil > 0 else { return 1 }
        return min(2, max(0.5, (pencil + previous - current) / pencil))
    }

    /// The relative mismatch of a fluence's model dose (D_pb·w + c) against its Monte Carlo dose in the target:
    /// (mean of the Monte Carlo dose − mean of the model dose) / mean of the Monte Carlo dose over the voxels of `target`
    /// (a dose-grid mask); 0 when the target receives no dose.
    static func modelMismatchRelative(monteCarloGy: [Double], modelGy: [Double], target: MaskVolume) throws -> Double {
        guard monteCarloGy.count == target.voxels.count, modelGy.count == target.voxels.count else {
            throw PlanKindError("doses of \(monteCarloGy.count) and \(modelGy.count) voxels for a target of \(target.voxels.count)")
        }
        var monteCarlo = 0.0, model = 0.0
        for (i, inside) in target.voxels.enumerated() where inside != 0 {
            monteCarlo += monteCarloGy[i]
            model += modelGy[i]
        }
        return monteCarlo > 0 ? (monteCarlo - model) / monteCarlo : 0
    }

    /// Passes a segmentation phase on (named after its pipeline step), or keeps the masks and moves on.
    private func segmentationStep(_ step: JobStep) throws -> JobStep {
        switch step {
        case .tasks(let tasks):
            return phase(.segmentation, tasks, name: tasks.first.flatMap { try? $0.text("step") } ?? PlanStage.segmentation.rawValue)
        case .collective:
            throw PlanKindError("the segmentation stage has no collective phases")
        case .finished(let outcome):
            // The plan needs the masks on the full grid (the segment job's result keeps them on the body box).
            segmentation = outcome.result.placingBoxedSegmentation(threads: SegmentRun.threads)
            endStage(.segmentation)
            return try startInfluence()
        }
    }

    /// Resolves structures (auto-contours replace same-named case structures and keep their planning metadata),
    /// the dose set-up and the objectives, then starts the beamlet-batch phase.
    private func startInfluence() throws -> JobStep {
        var contoured = caseFile.structures.map {
            ContouredStructure(name: $0.name, mask: $0.mask, overlapPriority: $0.overlapPriority, objectivesJSON: $0.objectivesJSON)
        }
        for (name, mask) in (segmentation?.segmentation ?? [:]).sorted(by: { $0.key < $1.key }) {
            if let i = contoured.firstIndex(where: { $0.name == name }) {
                contoured[i].mask = mask
            } else {
                contoured.append(ContouredStructure(name: name, mask: mask))
            }
        }
        let masks = Dictionary(uniqueKeysWithValues: contoured.map { ($0.name, $0.mask) })
        let setup = try DoseSetup(spec: spec.dose, seed: seed, ct: caseFile.ct, structures: masks, checkpoint: cancellation.check)
        let structures = try DoseGridStructures(contoured, doseGrid: setup.patient.grid, checkpoint: cancellation.check)
        try cancellation.check()
        let objectives = try PlanObjectives.resolve(spec.objectives, structures: structures)
        _ = try CostFunction.terms(objectives, structures: structures)
        _ = try structures.mask(named: spec.prescription.target, for: "prescription.target")
        for (i, goal) in spec.goals.enumerated() { _ = try structures.mask(named: goal.structure, for: "goals[\(i)]") }
        try cancellation.check()
        let stage = try InfluenceStage(setup: setup, kernelCache: kernelCache)
        try cancellation.check()
        state = .influence(stage, Inputs(setup: setup, structures: structures, objectives: objectives, shared: stage.shared))
        return phase(try Self.stage(named: stage.phaseName), stage.tasks)
    }

    /// The phase's tasks tagged with `stage`; records the phase name.
    private func phase(_ stage: PlanStage, _ tasks: [TaskPayload], name: String? = nil) -> JobStep {
        phaseNames.append(name ?? stage.rawValue)
        return .tasks(tasks.map(stage.tagged))
    }

    /// Records the wall time of `stage` since the previous stage ended.
    private func endStage(_ stage: PlanStage) {
        let now = ContinuousClock.now
        let elapsed = (now - stageStarted).components
        stageSeconds.append((stage, Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18))
        stageStarted = now
    }

    /// Evaluation on the coordinator and the result file.
    private func finish(_ inputs: Inputs, matrix: Dose.InfluenceMatrix, optimisation: FluenceOptimisationResult,
                        final forward: ForwardDose, bookkeeping: EnergyBookkeeping) throws -> JobStep {
        state = .finished
        try cancellation.check()
        let evaluation = try PlanEvaluation(doseGy: forward.doseGy, structures: inputs.structures, prescription: spec.prescription,
                                            goals: spec.goals, objectives: inputs.objectives)
        try cancellation.check()
        let factor = evaluation.normalisationFactor
        let uncertainty = try DoseVolume(grid: forward.uncertaintyGy.grid,
                                         voxels: forward.uncertaintyGy.voxels.map { Float(Double($0) * factor) })
        var arrays = try DoseRun.planArrays(inputs.setup)
        arrays["/plan/weights"] = ResultArray(.float64(optimisation.weights.map { $0 * factor }))
        for table in try evaluation.dvhTables() {
            arrays["/dvh/" + table.structure] = try ResultArray(shape: table.shape, values: .float64(table.values))
        }
        var attributes = DoseRun.attributes(inputs.setup, matrix: matrix, kernelCache: kernelCacheOutcome)
        attributes.merge(allocation.attributes) { _, new in new }
        arrays.merge(allocation.arrays) { _, new in new }
        let target = try inputs.structures.mask(named: spec.prescription.target, for: "prescription.target")
        let targetUncertainty = try forward.meanRelativeUncertainty(in: target)
        let warnings = [PlanWarnings.targetUncertainty(targetUncertainty, target: spec.prescription.target)].compactMap { $0 }
        attributes["metrics_json"] = .string(try evaluation.metricsJSON(optimisation: optimisation, warnings: warnings))
        attributes["normalisation_factor"] = .double(factor)
        attributes["energy_imbalance_relative"] = .double(bookkeeping.relativeImbalance)
        attributes["target_relative_uncertainty"] = .double(targetUncertainty)
        if let histories = spec.finalHistoriesPerBeamlet { attributes["final_histories_per_beamlet"] = .int(histories) }
        if let histories = spec.correctionHistoriesPerBeamlet { attributes["correction_histories_per_beamlet"] = .int(histories) }
        if spec.finalHistoryAllocation != .uniform { attributes["final_history_allocation"] = .string(spec.finalHistoryAllocation.rawValue) }
        if let sigmaMM = spec.correctionSmoothingMM { attributes["correction_smoothing_mm"] = .double(sigmaMM) }
        if spec.correctionSmoothingRegions != .body { attributes["correction_smoothing_regions"] = .string(spec.correctionSmoothingRegions.rawValue) }
        if spec.correctionWarmStart != .previous { attributes["correction_warm_start"] = .string(spec.correctionWarmStart.rawValue) }
        if spec.correctionIterations != 1 { attributes["correction_iterations"] = .int(spec.correctionIterations) }
        if !modelMismatch.isEmpty { attributes["model_mismatch_relative"] = .doubles(modelMismatch) }
        if !warmStartScales.isEmpty { attributes["correction_warm_start_scales"] = .doubles(warmStartScales) }
        attributes["optimizer_iterations_per_round"] = .ints(optimiserRounds.map(\.iterations))
        attributes["optimizer_evaluations_per_round"] = .ints(optimiserRounds.map(\.evaluations))
        attributes["optimizer_seconds_per_round"] = .doubles(optimiserRounds.map(\.seconds))
        if !targetMismatch.isEmpty {
            attributes["model_mismatch_edge_relative"] = .doubles(targetMismatch.map(\.edgeRelative))
            attributes["model_mismatch_interior_relative"] = .doubles(targetMismatch.map(\.interiorRelative))
            attributes["model_target_d95_gy"] = .doubles(targetMismatch.map(\.modelD95Gy))
            attributes["monte_carlo_target_d95_gy"] = .doubles(targetMismatch.map(\.monteCarloD95Gy))
            attributes["monte_carlo_coldest_edge_share"] = .doubles(targetMismatch.map(\.coldestEdgeShare))
            attributes["target_edge_fraction"] = .double(targetMismatch[0].edgeFraction)
        }
        var result = ResultFile(doseGy: evaluation.doseGy, doseUncertainty: uncertainty, arrays: arrays)
        if let segmentation {
            result.segmentation = segmentation.segmentation
            result.labelMap = segmentation.labelMap
            attributes.merge(segmentation.attributes) { plan, _ in plan }
        }
        endStage(.evaluation)
        var secondsByStage: [PlanStage: Double] = [:]
        for (stage, seconds) in stageSeconds { secondsByStage[stage, default: 0] += seconds }
        for (stage, seconds) in secondsByStage { attributes["stage_seconds_" + stage.rawValue] = .double(seconds) }
        attributes["timings_phase_names"] = .string(phaseNames.joined(separator: ","))
        result.attributes = attributes
        return .finished(JobOutcome(result: result, summary: Self.summary(evaluation, warnings: warnings)))
    }

    /// "ptv D95 60.0 Gy, D10 62.1 Gy, Dmax 64.0 Gy, goals 5/6 passed", then "; warning: …" for each warning.
    static func summary(_ evaluation: PlanEvaluation, warnings: [String] = []) -> String {
        let name = evaluation.prescription.target
        let passed = evaluation.goals.filter(\.passed).count
        let notes = warnings.map { "; warning: " + $0 }.joined()
        guard let target = evaluation.structure(name) else { return "goals \(passed)/\(evaluation.goals.count) passed" + notes }
        return String(format: "%@ D95 %.1f Gy, D10 %.1f Gy, Dmax %.1f Gy, goals %d/%d passed", name, target.doseAtVolume(95),
                      target.doseAtVolume(10), target.maxGy, passed, evaluation.goals.count) + notes
    }
}
