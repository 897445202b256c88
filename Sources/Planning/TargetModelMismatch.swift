import Core
import Evaluation

/// Where a fluence's model dose (the optimiser's D_pb·w + c) and its Monte Carlo dose differ inside a target: in the
/// target's edge shell (target voxels with a face neighbour outside the target, or on the grid's faces) and in its
/// interior, and in D95, the level the plan is normalised to. A model that is right on average but too warm at the edge
/// leaves the Monte Carlo D95 below the model's, and the normalisation to D95 then scales the whole plan up.
public struct TargetModelMismatch: Sendable, Equatable {
    /// (mean Monte Carlo − mean model) / mean Monte Carlo over the edge shell's voxels (0 when it receives no dose).
    public let edgeRelative: Double
    /// The same over the interior's voxels (0 when there are none or they receive no dose).
    public let interiorRelative: Double
    /// D95 of the target (Gy) on the Monte Carlo dose and on the model dose.
    public let monteCarloD95Gy: Double, modelD95Gy: Double
    /// Share of edge-shell voxels among the target's coldest 5 % on the Monte Carlo dose (the voxels that set D95),
    /// against ``edgeFraction``, their share of the whole target.
    public let coldestEdgeShare: Double, edgeFraction: Double

    /// The comparison of `monteCarloGy` against `modelGy` (one value per voxel of `target`'s grid) inside `target`.
    /// - Throws: ``PlanningError`` for dose arrays of another size or an empty target.
    public init(monteCarloGy: [Double], modelGy: [Double], target: MaskVolume) throws {
        let n = target.voxels.count
        guard monteCarloGy.count == n, modelGy.count == n else {
            throw PlanningError("doses of \(monteCarloGy.count) and \(modelGy.count) voxels for a target of \(n)")
        }
        let edge = Self.edgeShell(target)
        var sums = [[Double]](repeating: [0, 0], count: 2), counts = [0, 0]
        var inside: [Int] = []
        for i in 0..<n where target.voxels[i] != 0 {
            let region = edge[i] ? 0 : 1
            sums[region][0] += monteCarloGy[i]
            sums[region][1] += modelGy[i]
            counts[region] += 1
            inside.append(i)
        }
        guard !inside.isEmpty else { throw PlanningError("the target has no voxels on the dose grid") }
        func relative(_ s: [Double]) -> Double { s[0] > 0 ? (s[0] - s[1]) / s[0] : 0 }
        edgeRelative = relative(sums[0])
        interiorRelative = relative(sums[1])
        monteCarloD95Gy = try StructureDose(name: "target", doseGy: inside.map { monteCarloGy[$0] }).doseAtVolume(95)
        modelD95Gy = try StructureDose(name: "target", doseGy: inside.map { modelGy[$0] }).doseAtVolume(95)
        let coldestCount = max(1, Int((0.05 * Double(inside.count)).rounded(.up)))
        let coldest = inside.sorted { (monteCarloGy[$0], $0) < (monteCarloGy[$1], $1) }.prefix(coldestCount)
        coldestEdgeShare = Double(coldest.filter { edge[$0] }.count) / Double(coldestCount)
        edgeFraction = Double(counts[0]) / Double(inside.count)
    }

    /// The target's edge shell: target voxels with at least one of their 6 face neighbours outside the target or
    /// beyond the grid.
    public static func edgeShell(_ target: MaskVolume) -> [Bool] {
        let g = target.grid, v = target.voxels
        var edge = [Bool](repeating: false, count: v.count)
        for k in 0..<g.nz { for j in 0..<g.ny { for i in 0..<g.nx {
            let index = g.index(i, j, k)
            guard v[index] != 0 else { continue }
            let outside = i == 0 || j == 0 || k == 0 || i == g.nx - 1 || j == g.ny - 1 || k == g.nz - 1
                || v[index - 1] == 0 || v[index + 1] == 0 || v[index - g.nx] == 0 || v[index + g.nx] == 0
                || v[index - g.sliceCount] == 0 || v[index + g.sliceCount] == 0
            edge[index] = outside
        } } }
        return edge
    }
}
