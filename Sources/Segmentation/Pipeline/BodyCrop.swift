import Core

/// The in-plane box (all slices) of the body and its surroundings in which the steps after body
/// selection run: most of a CT's field of view is air, couch and table outside it.
///
/// It is a global decision (from merged component statistics), the same for every slab, so the
/// pipeline stays independent of the slab count. The coordinator crops the CT once per slab task,
/// the local steps read and write volumes on the box, the state keeps them there, and only
/// ``SegmentationPipeline/finish(state:)`` places the masks back on the full slices.
struct BodyCrop: Equatable {
    /// Decision names of the box (voxel indices, inclusive) and of the full slice size.
    static let lowerXName = "bodyBox.lowerX", lowerYName = "bodyBox.lowerY"
    static let upperXName = "bodyBox.upperX", upperYName = "bodyBox.upperY"
    static let sliceNXName = "bodyBox.sliceNX", sliceNYName = "bodyBox.sliceNY"

    /// First and last column and row of the box (inclusive).
    let lowerX: Int, lowerY: Int, upperX: Int, upperY: Int
    /// Columns and rows of the full slices.
    let sliceNX: Int, sliceNY: Int

    /// Columns and rows of the box.
    var width: Int { upperX - lowerX + 1 }
    var height: Int { upperY - lowerY + 1 }
    var columns: Range<Int> { lowerX..<(upperX + 1) }
    var rows: Range<Int> { lowerY..<(upperY + 1) }

    /// The box from the decisions in `scalars`; nil before body selection or when it spans the slice.
    init?(scalars: [String: Double]) {
        guard let x0 = scalars[Self.lowerXName], let y0 = scalars[Self.lowerYName],
              let x1 = scalars[Self.upperXName], let y1 = scalars[Self.upperYName],
              let nx = scalars[Self.sliceNXName], let ny = scalars[Self.sliceNYName] else { return nil }
        lowerX = Int(x0); lowerY = Int(y0); upperX = Int(x1); upperY = Int(y1)
        sliceNX = Int(nx); sliceNY = Int(ny)
        guard lowerX >= 0, lowerY >= 0, upperX < sliceNX, upperY < sliceNY, lowerX <= upperX, lowerY <= upperY,
              width < sliceNX || height < sliceNY else { return nil }
    }

    /// The decisions for the kept body components `kept`: their in-plane bounding box grown by
    /// `marginVoxels` (the body dilation's half extent plus one background pixel), clipped to the grid.
    static func decisions(kept: [ComponentStatistics], marginVoxels: SIMD2<Int>, grid: Grid) -> [String: Double] {
        guard let first = kept.first else { return [:] }
        var lo = SIMD2(first.boundingBox.lower.x, first.boundingBox.lower.y)
        var hi = SIMD2(first.boundingBox.upper.x, first.boundingBox.upper.y)
        for c in kept {
            lo = pointwiseMin(lo, SIMD2(c.boundingBox.lower.x, c.boundingBox.lower.y))
            hi = pointwiseMax(hi, SIMD2(c.boundingBox.upper.x, c.boundingBox.upper.y))
        }
        lo = pointwiseMax(lo &- marginVoxels, .zero)
        hi = pointwiseMin(hi &+ marginVoxels, SIMD2(grid.nx - 1, grid.ny - 1))
        return [lowerXName: Double(lo.x), lowerYName: Double(lo.y), upperXName: Double(hi.x), upperYName: Double(hi.y),
                sliceNXName: Double(grid.nx), sliceNYName: Double(grid.ny)]
    }

    /// The box's sub-grid of the full grid `full` (all slices).
    func grid(_ full: Grid) -> Grid { full.box(columns: columns, rows: rows) }

    /// True when `g` has the box's columns and rows.
    func fits(_ g: Grid) -> Bool { g.nx == width && g.ny == height }

    /// The box's voxels of slices `slices` of `v` (full slices), on the matching sub-grid; one copy.
    func crop<V>(_ v: Volume<V>, slices: Range<Int>) -> Volume<V> {
        let g = v.grid
        return v.withUnsafeBufferPointer { src in
            Volume<V>.written(grid: grid(g).slab(slices)) { dst, _ in
                ForegroundBox.extract(src.baseAddress!, nx: g.nx, ny: g.ny, box: box(slices), into: dst)
            }
        }
    }

    /// `v` (on the box's sub-grid, all slices of `grid`) placed on the full slices of `grid`, zero elsewhere.
    func uncrop<V>(_ v: Volume<V>, to grid: Grid) -> Volume<V> {
        precondition(fits(v.grid) && v.grid.nz == grid.nz && grid.nx == sliceNX && grid.ny == sliceNY, "volume not on the body box of the grid")
        return v.withUnsafeBufferPointer { src in ForegroundBox.placed(src.baseAddress!, box: box(0..<grid.nz), on: grid) }
    }

    /// The box over slices `slices`.
    private func box(_ slices: Range<Int>) -> VoxelBox {
        VoxelBox(lower: SIMD3(lowerX, lowerY, slices.lowerBound), upper: SIMD3(upperX, upperY, slices.upperBound - 1))
    }
}
