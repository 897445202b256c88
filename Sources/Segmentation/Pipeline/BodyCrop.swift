import Core

/// The in-plane box (all slices) of the body and its surroundings in which the steps after body
/// selection run: most of a CT's field of view is air, couch and table outside it.
///
/// It is a global decision (from merged component statistics), the same for every slab, so the
/// pipeline stays independent of the slab count; outputs are placed back on the full slices.
struct BodyCrop {
    /// Decision names of the box (voxel indices, inclusive).
    static let lowerXName = "bodyBox.lowerX", lowerYName = "bodyBox.lowerY"
    static let upperXName = "bodyBox.upperX", upperYName = "bodyBox.upperY"

    /// First and last column and row of the box (inclusive).
    let lowerX: Int, lowerY: Int, upperX: Int, upperY: Int

    /// The box from the decisions in `scalars`; nil before body selection or when it spans the slice.
    init?(scalars: [String: Double], nx: Int, ny: Int) {
        guard let x0 = scalars[Self.lowerXName], let y0 = scalars[Self.lowerYName],
              let x1 = scalars[Self.upperXName], let y1 = scalars[Self.upperYName] else { return nil }
        lowerX = Int(x0); lowerY = Int(y0); upperX = Int(x1); upperY = Int(y1)
        guard lowerX >= 0, lowerY >= 0, upperX < nx, upperY < ny, lowerX <= upperX, lowerY <= upperY,
              upperX - lowerX + 1 < nx || upperY - lowerY + 1 < ny else { return nil }
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
        return [lowerXName: Double(lo.x), lowerYName: Double(lo.y), upperXName: Double(hi.x), upperYName: Double(hi.y)]
    }

    /// The box's voxels of every slice of `v`, on the matching sub-grid.
    func crop<V>(_ v: Volume<V>) -> Volume<V> {
        let g = v.grid
        let sub = try! Grid(nx: upperX - lowerX + 1, ny: upperY - lowerY + 1, nz: g.nz, spacingMM: g.spacingMM,
                            originMM: g.originMM + SIMD3(Double(lowerX), Double(lowerY), 0) * g.spacingMM)
        var out = Volume<V>(grid: sub)
        v.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                ForegroundBox.extract(src.baseAddress!, nx: g.nx, ny: g.ny, box: box(nz: g.nz), into: dst.baseAddress!)
            }
        }
        return out
    }

    /// `v` (on the box's sub-grid) placed on the full slices of `grid`, zero elsewhere.
    func uncrop<V>(_ v: Volume<V>, to grid: Grid) -> Volume<V> {
        var out = Volume<V>(grid: grid)
        v.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                ForegroundBox.insert(src.baseAddress!, nx: grid.nx, ny: grid.ny, box: box(nz: grid.nz), into: dst.baseAddress!)
            }
        }
        return out
    }

    private func box(nz: Int) -> VoxelBox { VoxelBox(lower: SIMD3(lowerX, lowerY, 0), upper: SIMD3(upperX, upperY, nz - 1)) }
}
