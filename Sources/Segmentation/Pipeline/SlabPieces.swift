import Core

/// A volume kept as the core slices of the slabs that produced it (slab order, cores tiling the
/// slices): ``SegmentationPipeline/absorb(step:outputs:into:)`` stores the slab outputs as they are,
/// with no serial copy into one volume; readers take the slices they need from the pieces.
struct SlabPieces<V: VoxelScalar>: Sendable {
    /// One slab's core: its first slice and its volume (as many slices as the core).
    struct Piece: Sendable {
        let first: Int
        let volume: Volume<V>
        /// The slices the piece covers.
        var slices: Range<Int> { first..<(first + volume.grid.nz) }
    }

    /// The pieces in slice order, tiling `0..<nz`.
    let pieces: [Piece]

    /// A single volume as one piece.
    init(_ volume: Volume<V>) { pieces = [Piece(first: 0, volume: volume)] }

    /// Pieces in slice order; the caller checks that they tile the slices.
    init(pieces: [Piece]) { self.pieces = pieces }

    /// Slices `range` on `grid` (the grid of all slices, its columns and rows those of the pieces):
    /// a piece itself (no copy) when it covers exactly `range`, else one copy of the slices.
    func slices(_ range: Range<Int>, on grid: Grid) -> Volume<V> {
        let g = grid.slab(range)
        if let p = pieces.first(where: { $0.slices == range }) { return try! Volume(grid: g, voxels: p.volume.voxels) }
        let s = grid.sliceCount
        return Volume<V>.written(grid: g) { dst, _ in
            for p in pieces {
                let a = max(range.lowerBound, p.first), b = min(range.upperBound, p.first + p.volume.grid.nz)
                guard a < b else { continue }
                p.volume.withUnsafeBufferPointer { src in
                    (dst + (a - range.lowerBound) * s).update(from: src.baseAddress! + (a - p.first) * s, count: (b - a) * s)
                }
            }
        }
    }
}
