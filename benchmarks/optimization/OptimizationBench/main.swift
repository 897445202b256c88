// Timing of the fluence optimiser on a synthetic influence matrix of realistic size, and of the
// gamma index on a 128³ grid. Usage: OptimizationBench [iterations] [gammaSize]
import Core
import Evaluation
import Foundation
import Optimization

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let t0 = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
}

func f(_ v: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", v) }

/// 100 × 100 × 20 voxels of 3 mm; 5 coplanar beams of 20 × 20 beamlets (5 voxels apart laterally, 1 slice in z);
/// each beamlet a Gaussian pencil (σ = 2.5 voxels, cut at 7.5) attenuated by 3 %/voxel depth.
func syntheticMatrix() throws -> InfluenceMatrix {
    let nx = 100, ny = 100, nz = 20, beams = 5, lateral = 20, heights = 20
    var offsets = [0], cols: [Int32] = [], vals: [Float] = []
    cols.reserveCapacity(32_000_000); vals.reserveCapacity(32_000_000)
    let angles = (0..<beams).map { Double($0) * 2 * Double.pi / Double(beams) }
    for z in 0..<nz { for y in 0..<ny { for x in 0..<nx {
        let px = Double(x) - 49.5, py = Double(y) - 49.5
        for (b, a) in angles.enumerated() {
            let ux = cos(a), uy = sin(a)
            let depth = px * ux + py * uy + 70, s = -px * uy + py * ux
            let sIndex = (s + 47.5) / 5
            let first = max(0, Int((sIndex - 1.5).rounded(.up))), last = min(lateral - 1, Int((sIndex + 1.5).rounded(.down)))
            if first > last { continue }
            for l in first...last {
                let ds = s - (Double(l) * 5 - 47.5)
                for h in max(0, z - 7)...min(heights - 1, z + 7) {
                    let dz = Double(z - h), r2 = ds * ds + dz * dz
                    if r2 > 56.25 { continue }
                    cols.append(Int32((b * lateral + l) * heights + h))
                    vals.append(Float(exp(-r2 / 12.5) * exp(-0.03 * depth)))
                }
            }
        }
        offsets.append(vals.count)
    } } }
    return try InfluenceMatrix(rowCount: nx * ny * nz, beamletCount: beams * lateral * heights, rowOffsets: offsets,
                               beamletIndices: cols, values: vals)
}

func structures() throws -> [String: [Int32]] {
    var target = [UInt8](repeating: 0, count: 200_000), organ = target
    for z in 0..<20 { for y in 0..<100 { for x in 0..<100 {
        let px = Double(x) - 49.5, py = Double(y) - 49.5, i = (z * 100 + y) * 100 + x
        if px * px + py * py <= 225 { target[i] = 1 }
        if (px - 25) * (px - 25) + py * py <= 36 { organ[i] = 1 }
    } } }
    return try PlanningStructure.resolveOverlaps([
        PlanningStructure(name: "PTV", overlapPriority: 1, mask: target),
        PlanningStructure(name: "OAR", overlapPriority: 2, mask: organ),
        PlanningStructure(name: "BODY", overlapPriority: 3, mask: [UInt8](repeating: 1, count: 200_000)),
    ])
}

let arguments = CommandLine.arguments
let iterations = arguments.count > 1 ? Int(arguments[1])! : 100
let gammaSize = arguments.count > 2 ? Int(arguments[2])! : 128
BLASThreads.set(1)

var matrix: InfluenceMatrix!
let buildTime = try seconds { matrix = try syntheticMatrix() }
let sets = try structures()
print("## Fluence optimisation (synthetic influence matrix)")
print()
print("- matrix: \(matrix.rowCount) voxels × \(matrix.beamletCount) beamlets, \(matrix.nonZeroCount) non-zeros (\(f(Double(matrix.nonZeroCount) * 8 / 1e6, 0)) MB CSR), built in \(f(buildTime)) s")
let block = try FluencePlanBlock(matrix: matrix, objectives: [
    DoseObjective(function: .squaredDeviation(doseGy: 60), penalty: 1000, voxels: sets["PTV"]!),
    DoseObjective(function: .squaredOverdose(doseGy: 20), penalty: 300, voxels: sets["OAR"]!),
    DoseObjective(function: .maxDVH(doseGy: 30, volumePct: 20), penalty: 100, voxels: sets["OAR"]!),
    DoseObjective(function: .squaredOverdose(doseGy: 30), penalty: 100, voxels: sets["BODY"]!),
])
let w1 = [Double](repeating: 1, count: matrix.beamletCount)
var d = [Double](repeating: 0, count: matrix.rowCount), g = w1
let doseTime = seconds { for _ in 0..<5 { matrix.dose(weights: w1, into: &d) } } / 5
let transposeTime = seconds { for _ in 0..<5 { matrix.transposeProduct(d, into: &g) } } / 5
let evaluationTime = seconds { for _ in 0..<5 { _ = block.evaluate(weights: w1) } } / 5
print("- D w: \(f(doseTime * 1000, 1)) ms (\(f(Double(matrix.nonZeroCount) * 8 / doseTime / 1e9, 1)) GB/s of CSR), Dᵀ v: \(f(transposeTime * 1000, 1)) ms, cost + gradient (4 terms incl. max-DVH): \(f(evaluationTime * 1000, 1)) ms")
var result: OptimizationResult!
let optimisationTime = try seconds {
    result = try ProjectedLBFGS(options: QuasiNewtonOptions(maxIterations: iterations, relativeObjectiveTolerance: 1e-7))
        .minimize(start: w1) { w in
            let e = block.evaluate(weights: w)
            return (e.objective, e.gradient)
        }
}
let dose = matrix.dose(weights: result.weights)
let ptv = try StructureDose(name: "PTV", doseGy: sets["PTV"]!.map { dose[Int($0)] })
let oar = try StructureDose(name: "OAR", doseGy: sets["OAR"]!.map { dose[Int($0)] })
print("- projected L-BFGS: \(result.iterations) iterations, \(result.evaluations) evaluations in \(f(optimisationTime)) s → \(f(Double(result.iterations) / optimisationTime)) iterations/s (\(f(optimisationTime / Double(result.evaluations) * 1000, 0)) ms per evaluation); stop: \(result.stopReason.rawValue); cost \(f(result.objectiveHistory[0], 0)) → \(f(result.objective, 1))")
print("- plan: PTV Dmean \(f(ptv.meanGy)) D95 \(f(ptv.doseAtVolume(95))) D5 \(f(ptv.doseAtVolume(5))) Gy; OAR Dmean \(f(oar.meanGy)) D20 \(f(oar.doseAtVolume(20))) Gy")
print()

print("## Gamma index \(gammaSize)³")
print()
let n = gammaSize
let grid = try Grid(nx: n, ny: n, nz: n, spacingMM: [2, 2, 2])
func field(shiftMM: Double, scale: Double) -> DoseVolume {
    var v = DoseVolume(grid: grid)
    let c = Double(n - 1), half = Double(n) * 0.6
    func edge(_ t: Double) -> Double { 1 / (1 + exp(-t / 3)) }
    for z in 0..<n { for y in 0..<n { for x in 0..<n {
        let p = (SIMD3(Double(x), Double(y), Double(z)) - c / 2) * 2 - SIMD3(shiftMM, 0, 0)
        let profile = edge(half - abs(p.x)) * edge(half - abs(p.y)) * edge(half - abs(p.z))
        v[x, y, z] = Float(scale * 2 * profile * (1 - 0.002 * (p.z + c)))
    } } }
    return v
}
let reference = field(shiftMM: 0, scale: 1)
for (shift, scale) in [(0.0, 1.0), (1.0, 1.01), (3.0, 1.0)] {
    let evaluated = field(shiftMM: shift, scale: scale)
    var r: GammaResult!
    let t = try seconds { r = try GammaIndex.compare(reference: reference, evaluated: evaluated) }
    print("- evaluated = reference shifted \(f(shift, 1)) mm, scaled \(f(scale, 2)): 3 %/2 mm global, 10 % threshold: \(r.evaluatedVoxelCount) voxels in \(f(t)) s (\(f(Double(r.evaluatedVoxelCount) / t / 1e6, 2)) M voxels/s), pass rate \(r.passRatePct.map { f($0) } ?? "n/a") %, max γ \(f(r.maxGamma))")
}
