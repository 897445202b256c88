import Core
import Optimization

/// The case's structures resampled onto the dose grid, in two forms: the masks as contoured (for
/// evaluation: a voxel may belong to several structures) and the voxel rows each structure keeps
/// in the cost function after overlap resolution by `overlap_priority` (a voxel belongs only to the
/// structures with the lowest priority number that contain it; matRad's rule).
///
/// Resampling is voxel-centre sampling: a dose voxel is inside a structure when its centre falls in
/// a CT voxel of the mask (nearest CT voxel; centres outside the CT are outside). Structures thinner
/// than a dose voxel may therefore lose or gain voxels at their edges; volumes are reported from the
/// dose-grid voxel counts.
public struct DoseGridStructures: Sendable {
    /// The dose grid.
    public let grid: Grid
    /// Masks on the dose grid as contoured, keyed by name.
    public let masks: [String: MaskVolume]
    /// Overlap priority of each structure (unnumbered structures get `Int.max`).
    public let overlapPriorities: [String: Int]
    /// Dose-grid voxel rows (z-major indices) each structure keeps in the cost function after overlap resolution.
    public let optimisationRows: [String: [Int32]]
    /// The input structures (CT grid, with their stored objectives), keyed by name.
    public let contoured: [String: ContouredStructure]

    /// Resamples `structures` (all on one CT grid) onto `doseGrid` and resolves overlaps; `checkpoint` runs before each
    /// structure and may throw to stop (a job cancelled meanwhile).
    /// - Throws: ``PlanningError`` for duplicate names or masks on different grids; whatever `checkpoint` throws.
    public init(_ structures: [ContouredStructure], doseGrid: Grid, checkpoint: () throws -> Void = {}) throws {
        var masks: [String: MaskVolume] = [:], priorities: [String: Int] = [:], contoured: [String: ContouredStructure] = [:]
        for s in structures {
            try checkpoint()
            guard contoured[s.name] == nil else { throw PlanningError("structure \"\(s.name)\" is given twice") }
            guard s.mask.grid == structures[0].mask.grid else {
                throw PlanningError("structure \"\(s.name)\" is on grid \(s.mask.grid), not the CT grid \(structures[0].mask.grid)")
            }
            contoured[s.name] = s
            masks[s.name] = try Self.resample(s.mask, onto: doseGrid)
            priorities[s.name] = s.overlapPriority ?? Int.max
        }
        let planning = masks.keys.sorted().map { PlanningStructure(name: $0, overlapPriority: priorities[$0]!, mask: masks[$0]!) }
        self.grid = doseGrid
        self.masks = masks
        self.overlapPriorities = priorities
        self.optimisationRows = try PlanningStructure.resolveOverlaps(planning)
        self.contoured = contoured
    }

    /// Structure names in name order.
    public var names: [String] { masks.keys.sorted() }

    /// The dose-grid mask of `name`; throws a ``PlanningError`` naming `name`, where it was used
    /// (`role`, e.g. "goal 2") and the known structures.
    public func mask(named name: String, for role: String) throws -> MaskVolume {
        guard let m = masks[name] else { throw unknown(name, role) }
        return m
    }

    /// The cost-function rows of `name` (see ``mask(named:for:)`` for the error).
    public func rows(named name: String, for role: String) throws -> [Int32] {
        guard let r = optimisationRows[name] else { throw unknown(name, role) }
        return r
    }

    private func unknown(_ name: String, _ role: String) -> PlanningError {
        let known = names.map { "\"\($0)\"" }.joined(separator: ", ")
        return PlanningError("\(role): structure \"\(name)\" is not in the case; known structures: \(known.isEmpty ? "none" : known)")
    }

    /// Voxel-centre sampling of a CT-grid mask onto `target` (both grids axis-aligned, so each
    /// axis maps independently to its nearest CT index).
    static func resample(_ mask: MaskVolume, onto target: Grid) throws -> MaskVolume {
        let source = mask.grid
        if source == target { return mask }
        func axis(_ n: Int, _ a: Int, _ sourceCount: Int) -> [Int] {
            (0..<n).map { i in
                var p = target.originMM
                p[a] += Double(i) * target.spacingMM[a]
                let c = ((p[a] - source.originMM[a]) / source.spacingMM[a]).rounded(.toNearestOrAwayFromZero)
                return c >= 0 && c < Double(sourceCount) ? Int(c) : -1
            }
        }
        let xs = axis(target.nx, 0, source.nx), ys = axis(target.ny, 1, source.ny), zs = axis(target.nz, 2, source.nz)
        let voxels = mask.voxels
        var out = [UInt8](repeating: 0, count: target.voxelCount)
        for k in 0..<target.nz where zs[k] >= 0 {
            for j in 0..<target.ny where ys[j] >= 0 {
                let row = source.index(0, ys[j], zs[k]), outRow = target.index(0, j, k)
                for i in 0..<target.nx where xs[i] >= 0 && voxels[row + xs[i]] != 0 { out[outRow + i] = 1 }
            }
        }
        return try MaskVolume(grid: target, voxels: out)
    }
}
