import Core

/// A structure as the optimiser sees it: a mask over the rows of a block (the voxels of a dose-grid
/// slab, z-major) and its overlap priority, where a lower number wins (as in the TG-119 case file).
public struct PlanningStructure: Sendable, Equatable {
    /// Structure name, e.g. `OuterTarget`.
    public var name: String
    /// Overlap priority; where structures overlap the voxel belongs to those with the lowest number.
    public var overlapPriority: Int
    /// Membership per row (non-zero = inside).
    public var mask: [UInt8]

    /// Creates a structure from a flat mask aligned with the block's rows.
    public init(name: String, overlapPriority: Int, mask: [UInt8]) {
        self.name = name
        self.overlapPriority = overlapPriority
        self.mask = mask
    }

    /// Creates a structure from a mask volume on the dose grid (or slab) whose voxels are the block's rows.
    public init(name: String, overlapPriority: Int, mask: MaskVolume) {
        self.init(name: name, overlapPriority: overlapPriority, mask: mask.voxels)
    }

    /// Row indices of each structure after overlap resolution, keyed by name (matRad's rule): a
    /// voxel is removed from a structure when another structure with a strictly lower priority
    /// number contains it; structures of equal priority share voxels.
    public static func resolveOverlaps(_ structures: [PlanningStructure]) throws -> [String: [Int32]] {
        guard let count = structures.first?.mask.count else { return [:] }
        if let bad = structures.first(where: { $0.mask.count != count }) {
            throw OptimizationError.dimensionMismatch("mask of \(bad.name) has \(bad.mask.count) voxels, expected \(count)")
        }
        guard count <= Int(Int32.max) else { throw OptimizationError.dimensionMismatch("\(count) rows exceed Int32 indices") }
        var winning = [Int](repeating: Int.max, count: count)
        for s in structures {
            for i in 0..<count where s.mask[i] != 0 { winning[i] = min(winning[i], s.overlapPriority) }
        }
        var result: [String: [Int32]] = [:]
        for s in structures {
            var rows: [Int32] = []
            for i in 0..<count where s.mask[i] != 0 && s.overlapPriority == winning[i] { rows.append(Int32(i)) }
            result[s.name, default: []].append(contentsOf: rows)
        }
        return result
    }
}
