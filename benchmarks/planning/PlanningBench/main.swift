// TG-119 C-shape plan in one process: case file → dose grid and structures → beams → Monte Carlo-lite
// influence matrix (one calculator per thread) → fluence optimisation → normalisation → evaluation,
// with stage timings, peak memory and the TG-119 metrics beside pyRadPlan's.
// Usage: PlanningBench [case.h5] [spec.yaml ...] [--histories N] [--threads N] [--no-final] [--cache DIR] [--diagnose] [--seed N] [--smooth SIGMA_MM] [--reference N] [--reference-seed N] [--smooth-final SIGMA_MM]
// --cache DIR keeps each influence matrix in DIR (keyed by histories and seed) and reuses it; --diagnose
// prints coverage, the optimiser's trajectory and the model dose's noise instead of the plan.
// With final_histories_per_beamlet in the spec (and no --no-final) the optimised fluence is recomputed
// with that many histories (beamlets of non-zero weight only, seed + 1 so that its histories are
// independent of the optimisation's) and evaluated again.
// Specs that share the dose part (beams, grid, histories, seed) reuse one influence matrix.
// With `engine: pencil_beam` in the spec the influence matrix is the finite-size pencil beam: the kernel's
// Monte Carlo partitions run on the threads and are summed in partition order, then the pencil-beam batches run
// on the threads; the final dose is Monte Carlo. --kernel-histories N, --final N and --threshold T (relative
// threshold of the matrix and of the final dose) override the spec's values; --kernel-extent MM sets the kernel's
// projected lateral extent (default 50 mm). --pencil-beam-only stops after the pencil-beam matrix (its time and an
// FNV-1a digest of its arrays, to check that a change leaves it bitwise identical); --kernel-cache PREFIX keeps the
// kernel table in PREFIX-<histories>h-seed<seed>.f32 and reuses it.
// A gamma comparison (3 %/3 mm and 3 %/2 mm, global, 10 % threshold) of the optimisation dose against the final
// Monte Carlo dose is printed.
import Core
import Dose
import Evaluation
import Foundation
import Jobs
import Optimization
import Planning
import Store

func seconds(_ from: DispatchTime) -> Double { Double(DispatchTime.now().uptimeNanoseconds - from.uptimeNanoseconds) / 1e9 }
func f(_ v: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", v) }

/// Peak resident set size of this process (VmHWM), MB.
func peakRSSMB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
          let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
    return kb / 1024
}

/// Columns of every beamlet, computed by `threads` workers that take chunks of 8 beamlets in turn.
final class ColumnCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private var columns: [BeamletColumn] = []
    private var failure: Error?

    func run(calculator: BeamletDoseCalculator, ids: [Int], threads: Int, seed: UInt64, histories: Int,
             spec: DoseCalculationSpec) throws -> [BeamletColumn] {
        let count = ids.count
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            var calc = calculator
            var local: [BeamletColumn] = []
            while true {
                lock.lock(); let start = next; next += 8; lock.unlock()
                if start >= count { break }
                do {
                    for n in start..<min(start + 8, count) {
                        local.append(try calc.column(beamletID: ids[n], seed: seed, histories: histories,
                                                     batches: spec.uncertaintyBatches, thresholdRelative: spec.thresholdRelative))
                    }
                } catch {
                    lock.lock(); failure = error; lock.unlock(); break
                }
            }
            lock.lock(); columns += local; lock.unlock()
        }
        if let failure { throw failure }
        return columns
    }
}

/// Results of `parallelMap`'s jobs, filled under a lock.
final class ParallelResults<T>: @unchecked Sendable {
    let lock = NSLock()
    var next = 0
    var results: [Int: Result<T, Error>] = [:]
    init() {}
}

/// Runs `count` independent jobs on `threads` threads (each job once), returning the results in job order.
func parallelMap<T: Sendable>(_ count: Int, threads: Int, _ body: @Sendable @escaping (Int) throws -> T) throws -> [T] {
    let box = ParallelResults<T>()
    DispatchQueue.concurrentPerform(iterations: threads) { _ in
        while true {
            box.lock.lock(); let n = box.next; box.next += 1; box.lock.unlock()
            if n >= count { break }
            let r = Result { try body(n) }
            box.lock.lock(); box.results[n] = r; box.lock.unlock()
        }
    }
    return try (0..<count).map { try box.results[$0]!.get() }
}

/// The pencil-beam influence matrix: kernel partitions and pencil-beam batches on `threads` threads.
func pencilBeamMatrix(patient: PatientModel, geometry: BeamGeometry, dose: DoseCalculationSpec, seed: UInt64, kernelExtentMM: Double,
                      threads: Int, kernelCachePath: String?, pencilBeamOnly: Bool) throws -> Dose.InfluenceMatrix {
    var t = DispatchTime.now()
    let simulation = try PencilBeamKernelSimulation(bixelMM: geometry.bixelMM, focalSpotSigmaMM: geometry.focalSpotSigmaMM,
                                                    sadMM: dose.beams.sadMM, maximumDepthMM: DoseSetup.kernelDepthMM(patient),
                                                    lateralExtentMM: kernelExtentMM, histories: dose.kernelHistories, seed: seed)
    let kernel: PencilBeamKernel
    let cachePath = kernelCachePath.map { "\($0)-\(simulation.histories)h-seed\(seed).f32" }
    if let cachePath, let data = FileManager.default.contents(atPath: cachePath) {
        let values = data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        let probe = try simulation.kernel(partialSums: Array(repeating: [Double](repeating: 0, count: values.count), count: simulation.partitionCount))
        kernel = try PencilBeamKernel(bixelMM: probe.bixelMM, focalSpotSigmaMM: probe.focalSpotSigmaMM, sadMM: probe.sadMM,
                                      depthSpacingMM: probe.depthSpacingMM, lateralSpacingMM: probe.lateralSpacingMM, depthCount: probe.depthCount,
                                      lateralCount: probe.lateralCount, histories: probe.histories, valuesGy: values)
        print("pencil-beam kernel read from \(cachePath)")
    } else {
        let partials = try parallelMap(simulation.partitionCount, threads: threads) { try simulation.partialSum(partition: $0) }
        kernel = try simulation.kernel(partialSums: partials)
        if let cachePath { FileManager.default.createFile(atPath: cachePath, contents: kernel.valuesGy.withUnsafeBytes { Data($0) }) }
    }
    print("pencil-beam kernel: \(simulation.histories) histories in \(simulation.partitionCount) partitions, \(kernel.depthCount) × \(kernel.lateralCount)² nodes (\(kernel.valuesGy.count) floats), \(f(seconds(t))) s; lateral cut-off \(f(kernel.cutoffMM(thresholdRelative: dose.thresholdRelative), 1)) mm at threshold \(dose.thresholdRelative)")
    t = DispatchTime.now()
    let ranges = BeamletBatches.ranges(beamletCount: geometry.beamlets.count)
    let batches = try ranges.map {
        try PencilBeamBatch(patient: patient, geometry: geometry, kernel: kernel, beamletIDs: $0, thresholdRelative: dose.thresholdRelative)
    }
    let columns = try parallelMap(batches.count, threads: threads) { try batches[$0].columns() }.flatMap { $0 }
    let matrix = try Dose.InfluenceMatrix(grid: patient.grid, columnCount: geometry.beamlets.count, columns: columns)
    print("pencil-beam matrix: \(geometry.beamlets.count) beamlets, \(matrix.nonZeroCount) non-zeros in \(f(seconds(t))) s on \(threads) threads")
    print("pencil-beam matrix digest (FNV-1a of pointers, rows, dose bits): \(String(matrixDigest(matrix), radix: 16))")
    if pencilBeamOnly { exit(0) }
    return matrix
}

/// FNV-1a over the matrix's column pointers, row indices and dose bit patterns: equal digests, bitwise equal matrices.
func matrixDigest(_ m: Dose.InfluenceMatrix) -> UInt64 {
    var h: UInt64 = 0xcbf29ce484222325
    func mix(_ v: UInt64) { h = (h ^ v) &* 0x100000001b3 }
    for p in m.columnPointers { mix(UInt64(bitPattern: p)) }
    for r in m.rowIndices { mix(UInt64(UInt32(bitPattern: r))) }
    for d in m.doseGy { mix(UInt64(d.bitPattern)) }
    return h
}

/// Gamma pass rates of `evaluated` against `reference` (global, 10 % threshold) at 3 %/3 mm and 3 %/2 mm.
func gammaReport(_ title: String, reference: DoseVolume, evaluated: DoseVolume) throws {
    let t = DispatchTime.now()
    let a = try GammaIndex.compare(reference: reference, evaluated: evaluated, criteria: GammaCriteria(doseDifferencePct: 3, distanceToAgreementMM: 3))
    let b = try GammaIndex.compare(reference: reference, evaluated: evaluated, criteria: GammaCriteria(doseDifferencePct: 3, distanceToAgreementMM: 2))
    print("gamma \(title): 3 %/3 mm \(a.passRatePct.map { f($0, 1) } ?? "n/a") %, 3 %/2 mm \(b.passRatePct.map { f($0, 1) } ?? "n/a") % of \(a.evaluatedVoxelCount) voxels (\(f(seconds(t))) s)")
}

/// Prints the metrics of an evaluation, with the TG-119 ones beside pyRadPlan's.
func report(_ title: String, _ evaluation: PlanEvaluation) {
    print("\(title): normalisation factor \(f(evaluation.normalisationFactor, 4))")
    for s in evaluation.structures {
        print("  \(s.name): Dmean \(f(s.meanGy)) D95 \(f(s.doseAtVolume(95))) D50 \(f(s.doseAtVolume(50))) D10 \(f(s.doseAtVolume(10))) D5 \(f(s.doseAtVolume(5))) D2 \(f(s.doseAtVolume(2))) Dmax \(f(s.maxGy)) Gy")
    }
    print("  HI \(f(evaluation.homogeneityIndex, 3)), Paddick CI at \(f(evaluation.ciIsodoseGy, 1)) Gy \(f(evaluation.paddickConformityIndex, 3))")
    for g in evaluation.goals {
        print("  goal \(g.goal.structure) \(g.goal.metric) \(g.goal.comparator.rawValue) \(f(g.goal.value, 1)) \(g.unit): \(f(g.value)) → \(g.passed ? "pass" : "FAIL")")
    }
    // pyRadPlan's plan is not normalised; scale ours back by 1/factor for the like-for-like column.
    let unscaled = 1 / evaluation.normalisationFactor
    if let ptv = evaluation.structure("OuterTarget"), let core = evaluation.structure("Core") {
        print("  TG-119 side by side (ours normalised | ours as optimised | pyRadPlan as optimised):")
        let rows: [(String, Double, Double)] = [("OuterTarget D95", ptv.doseAtVolume(95), 49.15), ("OuterTarget D10", ptv.doseAtVolume(10), 50.47),
                                                ("OuterTarget Dmean", ptv.meanGy, 49.97), ("Core D10", core.doseAtVolume(10), 23.68),
                                                ("Core Dmean", core.meanGy, 15.59)]
        for (name, ours, peer) in rows { print("    \(name): \(f(ours)) | \(f(ours * unscaled)) | \(f(peer)) Gy") }
        print("    HI \(f(evaluation.homogeneityIndex, 3)) | — | 0.031; Paddick CI \(f(evaluation.paddickConformityIndex, 3)) | — | 0.85")
    }
}

/// The influence matrix of every beamlet, read from the cache directory when it holds one for these settings.
func influenceMatrix(calculator: BeamletDoseCalculator, grid: Grid, seed: UInt64, histories: Int, spec: DoseCalculationSpec,
                     threads: Int, cacheDirectory: String?) throws -> Dose.InfluenceMatrix {
    let beamletCount = calculator.geometry.beamlets.count
    let cachePath = cacheDirectory.map { "\($0)/tg119-influence-\(beamletCount)b-\(histories)h-seed\(seed).bin" }
    if let cachePath, let stored = try InfluenceCache.load(from: cachePath, grid: grid) {
        print("influence matrix read from \(cachePath)")
        return stored
    }
    let columns = try ColumnCollector().run(calculator: calculator, ids: Array(0..<beamletCount), threads: threads,
                                            seed: seed, histories: histories, spec: spec)
    let matrix = try Dose.InfluenceMatrix(grid: grid, columnCount: beamletCount, columns: columns)
    if let cachePath { try InfluenceCache.save(matrix, to: cachePath) }
    return matrix
}

var positional: [String] = []
var historiesOverride: Int?
var threads = 2
var finalRecompute = true
var cacheDirectory: String?
var diagnoseOnly = false
var seedOverride: UInt64?
var smoothingSigmaMM = 0.0
var referenceHistories: Int?
var referenceSeed: UInt64?
var finalSmoothingSigmaMM = 0.0
var kernelHistoriesOverride: Int?
var finalOverride: Int?
var thresholdOverride: Double?
var kernelExtentMM = 50.0
var pencilBeamOnly = false
var kernelCachePath: String?
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let a = arguments.next() {
    switch a {
    case "--histories": historiesOverride = arguments.next().flatMap { Int($0) }
    case "--threads": threads = arguments.next().flatMap { Int($0) } ?? 2
    case "--no-final": finalRecompute = false
    case "--cache": cacheDirectory = arguments.next()
    case "--diagnose": diagnoseOnly = true
    case "--seed": seedOverride = arguments.next().flatMap { UInt64($0) }
    case "--smooth": smoothingSigmaMM = arguments.next().flatMap { Double($0) } ?? 0
    case "--reference": referenceHistories = arguments.next().flatMap { Int($0) }
    case "--reference-seed": referenceSeed = arguments.next().flatMap { UInt64($0) }
    case "--smooth-final": finalSmoothingSigmaMM = arguments.next().flatMap { Double($0) } ?? 0
    case "--kernel-histories": kernelHistoriesOverride = arguments.next().flatMap { Int($0) }
    case "--final": finalOverride = arguments.next().flatMap { Int($0) }
    case "--threshold": thresholdOverride = arguments.next().flatMap { Double($0) }
    case "--kernel-extent": kernelExtentMM = arguments.next().flatMap { Double($0) } ?? 50
    case "--pencil-beam-only": pencilBeamOnly = true
    case "--kernel-cache": kernelCachePath = arguments.next()
    default: positional.append(a)
    }
}
let casePath = positional.first ?? "/work/shared/data/tg119/case.h5"
let specPaths = positional.count > 1 ? Array(positional.dropFirst()) : ["jobs/tg119-plan.yaml"]
guard FileManager.default.fileExists(atPath: casePath) else {
    print("SKIP: \(casePath) is absent (TG-119 case not available)")
    exit(0)
}
BLASThreads.set(1)

let t0 = DispatchTime.now()
let caseFile = try CaseFile.read(path: casePath)
let readSeconds = seconds(t0)
print("case \(casePath): CT \(caseFile.ct.grid), structures \(caseFile.structures.map { "\($0.name) (\($0.voxelCount))" }.joined(separator: ", ")); read \(f(readSeconds)) s")
let contoured = caseFile.structures.map {
    ContouredStructure(name: $0.name, mask: $0.mask, overlapPriority: $0.overlapPriority, objectivesJSON: $0.objectivesJSON)
}

struct Influence {
    let key: DoseCalculationSpec, seed: UInt64, matrix: Dose.InfluenceMatrix, structures: DoseGridStructures
    let calculator: BeamletDoseCalculator, geometry: BeamGeometry
}
var cached: Influence?

for specPath in specPaths {
    let job = try JobSpec.parse(contentsOfFile: specPath)
    guard case .plan(var plan) = job.work else { print("\(specPath): not a plan job"); continue }
    if let h = historiesOverride { plan.dose.historiesPerBeamlet = h }
    if let h = kernelHistoriesOverride { plan.dose.kernelHistories = h }
    if let h = finalOverride { plan.finalHistoriesPerBeamlet = h }
    if let t = thresholdOverride { plan.dose.thresholdRelative = t }
    let seed = seedOverride ?? job.seed
    let engineText = plan.dose.engine == .pencilBeam ? "pencil beam, kernel \(plan.dose.kernelHistories) histories" : "\(plan.dose.historiesPerBeamlet) histories/beamlet"
    print("\n== \(specPath) (\(job.name ?? "unnamed")), seed \(seed), \(engineText), \(threads) threads")
    let dose = plan.dose
    if cached?.key != dose || cached?.seed != seed {
        cached = nil
        var t = DispatchTime.now()
        let grid = try PatientModel.doseGrid(covering: caseFile.ct.grid, spacingMM: dose.doseGridSpacingMM)
        let patient = try PatientModel(ct: caseFile.ct, doseGrid: grid)
        let patientSeconds = seconds(t)
        t = DispatchTime.now()
        let structures = try DoseGridStructures(contoured, doseGrid: grid)
        let structureSeconds = seconds(t)
        guard let targetName = dose.target, let target = caseFile.structure(named: targetName)?.mask else {
            print("target \(dose.target ?? "(none)") missing"); exit(1)
        }
        t = DispatchTime.now()
        let geometry = try BeamGeometry.covering(target: target, gantryDeg: dose.beams.gantryDeg, isocentreMM: dose.beams.isocentreMM,
                                                 sadMM: dose.beams.sadMM, bixelMM: dose.beams.bixelMM, marginMM: dose.marginMM)
        let beamSeconds = seconds(t)
        t = DispatchTime.now()
        let calculator = try BeamletDoseCalculator(patient: patient, geometry: geometry)
        let matrix = dose.engine == .pencilBeam
            ? try pencilBeamMatrix(patient: patient, geometry: geometry, dose: dose, seed: seed, kernelExtentMM: kernelExtentMM, threads: threads,
                                     kernelCachePath: kernelCachePath, pencilBeamOnly: pencilBeamOnly)
            : try influenceMatrix(calculator: calculator, grid: grid, seed: seed, histories: dose.historiesPerBeamlet, spec: dose,
                                  threads: threads, cacheDirectory: cacheDirectory)
        let influenceSeconds = seconds(t)
        print("dose grid \(grid); patient model \(f(patientSeconds)) s; structures on dose grid \(f(structureSeconds)) s")
        print("beams \(dose.beams.gantryDeg.count), beamlets \(geometry.beamlets.count) (\(f(beamSeconds, 3)) s); influence matrix \(matrix.nonZeroCount) non-zeros in \(f(influenceSeconds)) s (\(f(Double(geometry.beamlets.count * dose.historiesPerBeamlet) / influenceSeconds / 1e6, 3)) M histories/s)")
        cached = Influence(key: dose, seed: seed, matrix: matrix, structures: structures, calculator: calculator, geometry: geometry)
    }
    let influence = cached!
    var t = DispatchTime.now()
    let objectives = try PlanObjectives.resolve(plan.objectives, structures: influence.structures)
    if diagnoseOnly {
        let reference = try referenceHistories.map {
            try influenceMatrix(calculator: influence.calculator, grid: influence.matrix.grid, seed: referenceSeed ?? seed &+ 1, histories: $0, spec: dose,
                                threads: threads, cacheDirectory: cacheDirectory)
        }
        try diagnose(matrix: influence.matrix, reference: reference, smoothingSigmaMM: smoothingSigmaMM, finalSmoothingSigmaMM: finalSmoothingSigmaMM, threads: threads, geometry: influence.geometry,
                     structures: influence.structures, objectives: objectives, plan: plan)
        continue
    }
    let problem = try FluenceOptimisation(influence: influence.matrix, structures: influence.structures, objectives: objectives,
                                          prescription: plan.prescription)
    let setupSeconds = seconds(t)
    print("statistical uncertainty of the target dose at the start weights: \(f(100 * problem.targetRelativeUncertainty, 1)) % per voxel")
    let result = try problem.run(plan.optimizer)
    t = DispatchTime.now()
    let evaluation = try PlanEvaluation(doseGy: try influence.matrix.dose(weights: result.weights), structures: influence.structures,
                                        prescription: plan.prescription, goals: plan.goals, objectives: objectives)
    let metrics = try evaluation.metricsJSON(optimisation: result)
    let tables = try evaluation.dvhTables()
    let evaluationSeconds = seconds(t)
    print("objectives: " + objectives.map { "\($0.structure) \($0.type.rawValue) \(f($0.doseGy, 1)) Gy ×\(f($0.penalty, 0))" }.joined(separator: "; "))
    print("optimisation: setup \(f(setupSeconds)) s; \(result.iterations) iterations, \(result.evaluations) evaluations in \(f(result.seconds)) s (\(f(result.secondsPerIteration * 1000, 1)) ms/iteration), stop \(result.stopReason.rawValue), cost \(f(result.objectiveInitial, 1)) → \(f(result.objectiveFinal, 3)); \(result.weights.filter { $0 > 0 }.count) beamlets with weight > 0")
    print("evaluation + metrics_json (\(metrics.utf8.count) bytes) + \(tables.count) DVH tables: \(f(evaluationSeconds)) s")
    report("dose of the optimisation's influence matrix", evaluation)
    if finalRecompute, let final = plan.finalHistoriesPerBeamlet {
        t = DispatchTime.now()
        let ids = result.weights.indices.filter { result.weights[$0] > 0 }
        let columns = try ColumnCollector().run(calculator: influence.calculator, ids: ids, threads: threads, seed: seed &+ 1,
                                                histories: final, spec: dose)
        let matrix = try Dose.InfluenceMatrix(grid: influence.matrix.grid, columnCount: influence.matrix.columnCount, columns: columns)
        let recomputed = try PlanEvaluation(doseGy: try matrix.dose(weights: result.weights), structures: influence.structures,
                                            prescription: plan.prescription, goals: plan.goals, objectives: objectives)
        print("final recomputation: \(ids.count) beamlets × \(final) histories, \(matrix.nonZeroCount) non-zeros in \(f(seconds(t))) s")
        report("final dose recomputed with \(final) histories/beamlet", recomputed)
        try gammaReport("optimisation dose vs final Monte Carlo dose (both normalised)", reference: recomputed.doseGy, evaluated: evaluation.doseGy)
        if finalSmoothingSigmaMM > 0 {
            t = DispatchTime.now()
            let smoothing = try DoseSmoothing(grid: matrix.grid, sigmaMM: finalSmoothingSigmaMM)
            let smoothed = try smoothing.smooth(try matrix.dose(weights: result.weights))
            let denoised = try PlanEvaluation(doseGy: smoothed, structures: influence.structures, prescription: plan.prescription,
                                              goals: plan.goals, objectives: objectives)
            print("final dose smoothed (σ \(f(finalSmoothingSigmaMM, 1)) mm, noise factor \(f(smoothing.noiseFactor, 3))) in \(f(seconds(t))) s")
            report("final dose recomputed with \(final) histories/beamlet, smoothed", denoised)
        }
    }
    print("total so far \(f(seconds(t0))) s; peak RSS \(f(peakRSSMB(), 0)) MB")
}
