/// One z-slab of a decomposition: the slices a shard owns (`core`) and the slices it reads
/// (`extended` = core plus up to `halo` slices on each side, clipped to the volume).
public struct Slab: Hashable, Sendable, Codable {
    /// Position of the slab in its decomposition.
    public let index: Int
    /// Slices owned by this slab; the cores of a decomposition tile `0..<nz` without overlap.
    public let core: Range<Int>
    /// Slices read by this slab (core plus halo).
    public let extended: Range<Int>

    /// Offset of the core's first slice inside the extended slab.
    public var coreOffset: Int { core.lowerBound - extended.lowerBound }
}

/// Splits `nz` slices into contiguous z-slabs with halos and reassembles results exactly.
public struct SlabDecomposition: Sendable, Hashable, Codable {
    /// Number of slices of the full volume.
    public let nz: Int
    /// Halo depth in slices on each side.
    public let halo: Int
    /// The slabs, in increasing z.
    public let slabs: [Slab]

    /// Splits `nz` slices into `parts` slabs whose sizes differ by at most one slice.
    /// `parts` is clamped to `nz` so that no slab is empty.
    public init(nz: Int, parts: Int, halo: Int) throws {
        try Self.validate(nz: nz, parts: parts, halo: halo)
        let n = min(parts, nz)
        let base = nz / n, extra = nz % n
        var ends: [Int] = []
        var z0 = 0
        for i in 0..<n {
            z0 += base + (i < extra ? 1 : 0)
            ends.append(z0)
        }
        self.init(nz: nz, halo: halo, coreEnds: ends)
    }

    /// Splits `nz` slices into `parts` slabs of about equal work, where `sliceWeights[z] ≥ 0` is the
    /// work of slice `z`: boundary `i` (1 ≤ i < parts) is the slice `b` whose prefix weight
    /// `Σ_{z<b} w(z)` is nearest to `i/parts` of the total (ties: the lower `b`), kept so that every
    /// slab has at least one slice. Every core's weight is then within `max w` of `total/parts`.
    /// Halos are as in ``init(nz:parts:halo:)``. All weights zero: the even split. The split depends
    /// only on the weights and `parts` (deterministic). `parts` is clamped to `nz`.
    public init(nz: Int, parts: Int, halo: Int, sliceWeights: [Int64]) throws {
        try Self.validate(nz: nz, parts: parts, halo: halo)
        guard sliceWeights.count == nz else {
            throw CoreError.invalidDecomposition("\(sliceWeights.count) slice weights for \(nz) slices")
        }
        guard sliceWeights.allSatisfy({ $0 >= 0 }) else { throw CoreError.invalidDecomposition("slice weights must be ≥ 0") }
        var prefix: [Int64] = [0]
        prefix.reserveCapacity(nz + 1)
        for w in sliceWeights {
            let (sum, overflow) = prefix[prefix.count - 1].addingReportingOverflow(w)
            guard !overflow, sum <= Int64.max / Int64(max(parts, 1)) else { throw CoreError.invalidDecomposition("slice weights too large") }
            prefix.append(sum)
        }
        let total = prefix[nz]
        guard total > 0 else {
            try self.init(nz: nz, parts: parts, halo: halo)
            return
        }
        let n = min(parts, nz), parts64 = Int64(n)
        var ends: [Int] = []
        var previous = 0
        for i in 1..<n {
            // Nearest b to the target, with at least one slice for each slab before and after it.
            let target = Int64(i) * total
            let lowest = previous + 1, highest = nz - (n - i)
            var b = lowest
            while b < highest, parts64 * prefix[b + 1] <= target { b += 1 }
            // b is the last position with n·prefix(b) ≤ target (or `lowest`); b + 1 may be nearer.
            if b < highest, abs(parts64 * prefix[b + 1] - target) < abs(parts64 * prefix[b] - target) { b += 1 }
            ends.append(b)
            previous = b
        }
        ends.append(nz)
        self.init(nz: nz, halo: halo, coreEnds: ends)
    }

    /// Slabs whose cores end at `coreEnds` (increasing, the last `nz`), each with `halo` slices each side (clipped).
    private init(nz: Int, halo: Int, coreEnds: [Int]) {
        var slabs: [Slab] = []
        var z0 = 0
        for (i, end) in coreEnds.enumerated() {
            slabs.append(Slab(index: i, core: z0..<end, extended: max(0, z0 - halo)..<min(nz, end + halo)))
            z0 = end
        }
        self.nz = nz
        self.halo = halo
        self.slabs = slabs
    }

    private static func validate(nz: Int, parts: Int, halo: Int) throws {
        guard nz > 0 else { throw CoreError.invalidDecomposition("volume has no slices") }
        guard parts > 0 else { throw CoreError.invalidDecomposition("number of slabs must be positive, got \(parts)") }
        guard halo >= 0 else { throw CoreError.invalidDecomposition("halo must be ≥ 0, got \(halo)") }
    }

    /// The extended (core + halo) slab of `volume` for `slab`.
    public func extract<V>(_ slab: Slab, from volume: Volume<V>) -> Volume<V> {
        volume.slab(slab.extended)
    }

    /// Reassembles a full volume on `grid` from per-slab results defined on each slab's
    /// extended range; only core slices are copied, halos are discarded.
    public func reassemble<V>(_ parts: [Volume<V>], on grid: Grid) throws -> Volume<V> {
        guard parts.count == slabs.count else {
            throw CoreError.invalidDecomposition("expected \(slabs.count) slab results, got \(parts.count)")
        }
        guard grid.nz == nz else { throw CoreError.invalidDecomposition("grid has \(grid.nz) slices, decomposition \(nz)") }
        var out = Volume<V>(grid: grid)
        let s = grid.sliceCount
        for (slab, part) in zip(slabs, parts) {
            guard part.grid.nx == grid.nx, part.grid.ny == grid.ny, part.grid.nz == slab.extended.count else {
                throw CoreError.invalidDecomposition("slab \(slab.index) result is \(part.grid.nx)×\(part.grid.ny)×\(part.grid.nz), expected \(grid.nx)×\(grid.ny)×\(slab.extended.count)")
            }
            let lo = slab.coreOffset * s
            out.replaceSlices(from: slab.core.lowerBound, with: part.voxels[lo..<(lo + slab.core.count * s)])
        }
        return out
    }
}
