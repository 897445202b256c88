// Diagnostics of plan quality on one influence matrix (--diagnose): beamlet coverage of the target at
// unit weights, the optimiser's trajectory (cost and target homogeneity of the model dose) and the
// statistical uncertainty of the model dose against its spread. Also a binary cache of the influence
// matrix (--cache PATH) so that experiments reuse one Monte Carlo run.
import Core
import Dose
import Evaluation
import Foundation
import Jobs
import Optimization
import Planning

/// Writes and reads an influence matrix as raw little-endian arrays (bench use only, same machine).
enum InfluenceCache {
    static func save(_ m: Dose.InfluenceMatrix, to path: String) throws {
        var data = Data()
        func append<T>(_ array: [T]) { array.withUnsafeBytes { data.append(contentsOf: $0) } }
        append([Int64(m.columnCount), Int64(m.nonZeroCount)])
        append(m.columnPointers); append(m.rowIndices); append(m.doseGy); append(m.uncertaintyGy)
        try data.write(to: URL(fileURLWithPath: path))
    }

    static func load(from path: String, grid: Grid) throws -> Dose.InfluenceMatrix? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        var offset = 0
        func read<T>(_ count: Int, as: T.Type) -> [T] {
            let size = count * MemoryLayout<T>.stride
            defer { offset += size }
            return data[offset..<(offset + size)].withUnsafeBytes { Array($0.bindMemory(to: T.self)) }
        }
        let header = read(2, as: Int64.self)
        let columns = Int(header[0]), nnz = Int(header[1])
        let pointers = read(columns + 1, as: Int64.self)
        let rows = read(nnz, as: Int32.self), dose = read(nnz, as: Float.self), error = read(nnz, as: Float.self)
        let list = (0..<columns).map { j in
            let r = Int(pointers[j])..<Int(pointers[j + 1])
            return BeamletColumn(beamletID: j, rowIndices: Array(rows[r]), doseGy: Array(dose[r]), uncertaintyGy: Array(error[r]),
                                 bookkeeping: EnergyBookkeeping())
        }
        return try Dose.InfluenceMatrix(grid: grid, columnCount: columns, columns: list)
    }
}

/// Summary of the dose of a set of voxels: D95, D50, D10, mean, coefficient of variation, min.
struct DoseSummary: CustomStringConvertible {
    let d95: Double, d50: Double, d10: Double, d5: Double, mean: Double, cv: Double, min: Double

    init(_ doses: [Double]) {
        let s = doses.sorted()
        func at(_ volumePct: Double) -> Double { s[Swift.min(s.count - 1, Int((1 - volumePct / 100) * Double(s.count)))] }
        d95 = at(95); d50 = at(50); d10 = at(10); d5 = at(5); min = s[0]
        mean = s.reduce(0, +) / Double(s.count)
        let m = mean
        cv = (s.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(s.count)).squareRoot() / m
    }

    var hi: Double { (d5 - d95) / d50 }

    var description: String {
        "min \(f(min)) D95 \(f(d95)) D50 \(f(d50)) D10 \(f(d10)) mean \(f(mean)) CV \(f(cv, 3)) HI \(f(hi, 3))"
    }
}

/// Coverage, optimiser trajectory and noise of the model dose on `raw` (smoothed with `smoothingSigmaMM`
/// first when > 0); with a `reference` matrix (independent histories) the optimised weights are also
/// evaluated on it, as computed and smoothed.
func diagnose(matrix raw: Dose.InfluenceMatrix, reference: Dose.InfluenceMatrix?, smoothingSigmaMM: Double, finalSmoothingSigmaMM: Double, threads: Int, geometry: BeamGeometry,
              structures: DoseGridStructures, objectives: [ObjectiveSpec], plan: PlanSpec) throws {
    let smoothing = try DoseSmoothing(grid: raw.grid, sigmaMM: smoothingSigmaMM)
    var matrix = raw
    if smoothingSigmaMM > 0 {
        let t = DispatchTime.now()
        matrix = try smoothing.smooth(raw, thresholdRelative: plan.dose.thresholdRelative, threads: threads)
        print("smoothing σ \(f(smoothingSigmaMM, 1)) mm (noise factor \(f(smoothing.noiseFactor, 3))): \(raw.nonZeroCount) → \(matrix.nonZeroCount) non-zeros in \(f(seconds(t))) s")
    }
    let target = try structures.mask(named: plan.prescription.target, for: "diagnose").voxels
    let rows = target.indices.filter { target[$0] != 0 }
    func summary(_ dose: [Float]) -> DoseSummary { DoseSummary(rows.map { Double(dose[$0]) }) }

    // 1. Coverage: every beamlet at weight 1, and each beam on its own.
    let unit = [Double](repeating: 1, count: matrix.columnCount)
    let unitDose = try matrix.dose(weights: unit).voxels
    let unitError = try matrix.doseUncertainty(weights: unit).voxels
    print("diagnose: \(rows.count) target voxels on the dose grid, \(geometry.beamlets.count) beamlets")
    print("  unit weights, all beams: \(summary(unitDose)); mean relative σ \(f(rows.reduce(0) { $0 + Double(unitError[$1] / max(unitDose[$1], 1e-30)) } / Double(rows.count), 3))")
    for (b, beam) in geometry.beams.enumerated() {
        let w = geometry.beamlets.map { $0.beamIndex == b ? 1.0 : 0.0 }
        let d = try matrix.dose(weights: w).voxels
        let s = summary(d)
        let low = rows.filter { Double(d[$0]) < 0.3 * s.d50 }.count
        let ids = geometry.beamlets.filter { $0.beamIndex == b }
        print("  beam \(f(beam.gantryDeg, 0))°: \(ids.count) beamlets, u \(f(ids.map(\.uMM).min()!, 1))…\(f(ids.map(\.uMM).max()!, 1)), v \(f(ids.map(\.vMM).min()!, 1))…\(f(ids.map(\.vMM).max()!, 1)) mm; target \(s); voxels < 30 % of median: \(low)")
    }

    // 2. Optimiser trajectory with the spec's stopping rules, model dose homogeneity along the way.
    let problem = try FluenceOptimisation(influence: matrix, structures: structures, objectives: objectives, prescription: plan.prescription)
    var evaluations = 0
    let options = QuasiNewtonOptions(maxIterations: plan.optimizer.maxIterations, relativeObjectiveTolerance: plan.optimizer.tolerance)
    let clock = ContinuousClock(), began = clock.now
    let result = try ProjectedLBFGS(options: options).minimize(start: [Double](repeating: problem.startWeight, count: problem.matrix.beamletCount)) { w in
        let e = problem.block.evaluate(weights: w)
        if evaluations % 25 == 0 {
            let d = problem.matrix.dose(weights: w)
            print("  evaluation \(evaluations): cost \(f(e.objective, 4)) terms \(e.termObjectives.map { f($0, 4) }) target \(DoseSummary(rows.map { d[$0] }))")
        }
        evaluations += 1
        return (e.objective, e.gradient)
    }
    print("  optimiser run: \(result.iterations) iterations, \(result.evaluations) evaluations, stop \(result.stopReason.rawValue), cost \(f(result.objective, 4)), ‖Pg‖ \(result.projectedGradientNorm), \(clock.now - began)")

    // 3. Model dose at the optimum: its spread against its statistical uncertainty.
    let d = try matrix.dose(weights: result.weights).voxels
    let e = try matrix.doseUncertainty(weights: result.weights).voxels
    let s = summary(d)
    let sigma = rows.reduce(0) { $0 + Double(e[$1]) } / Double(rows.count)
    print("  optimum model dose: \(s); mean σ \(f(sigma, 3)) Gy = \(f(sigma / s.mean, 3)) relative; beamlets > 0: \(result.weights.filter { $0 > 0 }.count)")
    report("optimisation matrix", try PlanEvaluation(doseGy: try matrix.dose(weights: result.weights), structures: structures,
                                                     prescription: plan.prescription, goals: plan.goals, objectives: objectives))
    if let reference {
        let dose = try reference.dose(weights: result.weights)
        let referenceError = try reference.doseUncertainty(weights: result.weights).voxels
        let r = summary(dose.voxels)
        print("  reference dose (independent histories): \(r); mean σ \(f(rows.reduce(0) { $0 + Double(referenceError[$1]) } / Double(rows.count) / r.mean, 3)) relative")
        report("reference dose as computed", try PlanEvaluation(doseGy: dose, structures: structures, prescription: plan.prescription,
                                                                goals: plan.goals, objectives: objectives))
        if finalSmoothingSigmaMM > 0 {
            let finalSmoothing = try DoseSmoothing(grid: raw.grid, sigmaMM: finalSmoothingSigmaMM)
            report("reference dose smoothed with σ \(f(finalSmoothingSigmaMM, 1)) mm", try PlanEvaluation(doseGy: try finalSmoothing.smooth(dose), structures: structures,
                                                                 prescription: plan.prescription, goals: plan.goals, objectives: objectives))
        }
    }
}
