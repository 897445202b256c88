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
        guard nz > 0 else { throw CoreError.invalidDecomposition("volume has no slices") }
        guard parts > 0 else { throw CoreError.invalidDecomposition("number of slabs must be positive, got \(parts)") }
        guard halo >= 0 else { throw CoreError.invalidDecomposition("halo must be ≥ 0, got \(halo)") }
        let n = min(parts, nz)
        let base = nz / n, extra = nz % n
        var slabs: [Slab] = []
        var z0 = 0
        for i in 0..<n {
            let size = base + (i < extra ? 1 : 0)
            let core = z0..<(z0 + size)
            let ext = max(0, z0 - halo)..<min(nz, z0 + size + halo)
            slabs.append(Slab(index: i, core: core, extended: ext))
            z0 += size
        }
        self.nz = nz
        self.halo = halo
        self.slabs = slabs
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
