import Core

/// Overlap and surface-distance measures between a segmentation and a reference mask.
public enum SegmentationMetrics {
    /// Dice similarity coefficient 2|A∩B| / (|A| + |B|) of the non-zero voxels; 1 when both are empty.
    public static func dice(_ a: MaskVolume, _ b: MaskVolume) -> Double {
        precondition(a.grid == b.grid, "masks on different grids")
        var both = 0, na = 0, nb = 0
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                for i in 0..<pa.count {
                    let x = pa[i] != 0, y = pb[i] != 0
                    if x { na += 1 }
                    if y { nb += 1 }
                    if x && y { both += 1 }
                }
            }
        }
        return na + nb == 0 ? 1 : 2 * Double(both) / Double(na + nb)
    }

    /// The 95th percentile (nearest rank) of the symmetric surface distances in mm: the distances
    /// from each surface voxel of A to the nearest surface voxel of B and from each surface voxel of B
    /// to A, pooled. A surface voxel is a mask voxel with a 6-neighbour outside the mask or the
    /// volume. 0 when both are empty, +∞ when exactly one is.
    public static func hausdorff95MM(_ a: MaskVolume, _ b: MaskVolume) -> Double {
        precondition(a.grid == b.grid, "masks on different grids")
        let sa = surface(a), sb = surface(b)
        let da = DistanceTransform.squaredDistanceMM2(to: sb), db = DistanceTransform.squaredDistanceMM2(to: sa)
        var distances: [Double] = []
        for (s, d) in [(sa, da), (sb, db)] {
            s.withUnsafeBufferPointer { m in
                d.withUnsafeBufferPointer { dd in
                    for i in 0..<m.count where m[i] != 0 { distances.append(dd[i].squareRoot()) }
                }
            }
        }
        let na = MaskAlgebra.count(sa), nb = MaskAlgebra.count(sb)
        if na == 0 && nb == 0 { return 0 }
        if na == 0 || nb == 0 { return .infinity }
        distances.sort()
        let rank = Int((0.95 * Double(distances.count)).rounded(.up))
        return distances[max(0, rank - 1)]
    }

    /// Mask voxels with at least one face neighbour outside the mask or the volume.
    static func surface(_ m: MaskVolume) -> MaskVolume {
        let g = m.grid
        var out = MaskVolume(grid: g)
        m.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { o in
                for z in 0..<g.nz {
                    for y in 0..<g.ny {
                        for x in 0..<g.nx {
                            let i = g.index(x, y, z)
                            guard p[i] != 0 else { continue }
                            let interior = x > 0 && x < g.nx - 1 && y > 0 && y < g.ny - 1 && z > 0 && z < g.nz - 1
                                && p[i - 1] != 0 && p[i + 1] != 0 && p[i - g.nx] != 0 && p[i + g.nx] != 0
                                && p[i - g.sliceCount] != 0 && p[i + g.sliceCount] != 0
                            o[i] = interior ? 0 : 1
                        }
                    }
                }
            }
        }
        return out
    }
}
