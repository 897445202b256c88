import Core

/// Voxel-wise combinations of masks and CT windows on the same grid (all outputs 0/1).
enum MaskAlgebra {
    /// `mask` AND (HU ≥ `hu`, rounded up), in one pass: `and(mask, atLeast(ct, hu))`.
    static func and(_ mask: MaskVolume, atLeast hu: Double, in ct: CTVolume) -> MaskVolume {
        window(mask, ct, clampHU(hu.rounded(.up)), Int16.max)
    }

    /// `mask` AND (HU ≤ `hu`, rounded down), in one pass: `and(mask, atMost(ct, hu))`.
    static func and(_ mask: MaskVolume, atMost hu: Double, in ct: CTVolume) -> MaskVolume {
        window(mask, ct, Int16.min, clampHU(hu.rounded(.down)))
    }

    /// `m` becomes `m` OR (`mask` AND HU ≥ `hu`, rounded up), in place.
    static func formUnion(_ m: inout MaskVolume, _ mask: MaskVolume, atLeast hu: Double, in ct: CTVolume) {
        precondition(m.grid == mask.grid && m.grid == ct.grid, "volumes on different grids")
        let lo = clampHU(hu.rounded(.up))
        mask.withUnsafeBufferPointer { pm in
            ct.withUnsafeBufferPointer { c in
                m.withUnsafeMutableBufferPointer { o in
                    var i = 0
                    while i < o.count {
                        o[i] = (o[i] != 0 ? 1 : 0) | (pm[i] != 0 && c[i] >= lo ? 1 : 0)
                        i &+= 1
                    }
                }
            }
        }
    }

    /// `m` becomes `m` combined with `b` by `f` (on 0/1 values), in place.
    @inline(__always)
    static func formCombination(_ m: inout MaskVolume, _ b: MaskVolume, _ f: (UInt8, UInt8) -> UInt8) {
        precondition(m.grid == b.grid, "masks on different grids")
        b.withUnsafeBufferPointer { pb in
            m.withUnsafeMutableBufferPointer { o in
                var i = 0
                while i < o.count {
                    o[i] = f(o[i] != 0 ? 1 : 0, pb[i] != 0 ? 1 : 0)
                    i &+= 1
                }
            }
        }
    }

    /// `m` becomes `m` OR `b`, in place.
    static func formUnion(_ m: inout MaskVolume, _ b: MaskVolume) { formCombination(&m, b) { $0 | $1 } }

    /// `m` becomes `m` AND NOT `b`, in place.
    static func formDifference(_ m: inout MaskVolume, _ b: MaskVolume) { formCombination(&m, b) { $0 & ($1 ^ 1) } }

    /// Voxels with HU ≥ `hu` (rounded up to the next integer), on slices `slices` of `ct` (default all).
    static func atLeast(_ ct: CTVolume, _ hu: Double, slices: Range<Int>? = nil) -> MaskVolume {
        Threshold.mask(ct, huRange: clampHU(hu.rounded(.up))...Int16.max, slices: slices ?? 0..<ct.grid.nz)
    }

    /// Voxels with HU ≤ `hu` (rounded down to the previous integer).
    static func atMost(_ ct: CTVolume, _ hu: Double) -> MaskVolume {
        Threshold.mask(ct, huRange: Int16.min...clampHU(hu.rounded(.down)))
    }

    /// Number of non-zero voxels.
    static func count(_ m: MaskVolume) -> Int {
        m.withUnsafeBufferPointer { p in
            var n = 0
            var i = 0
            while i < p.count { n &+= p[i] != 0 ? 1 : 0; i &+= 1 }
            return n
        }
    }

    /// The core slices `offset..<offset + count` of an extended-slab volume.
    static func core<V>(_ v: Volume<V>, offset: Int, count: Int) -> Volume<V> {
        offset == 0 && count == v.grid.nz ? v : v.slab(offset..<(offset + count))
    }

    /// For each local label l of `labels`, the number of its voxels where `mask` is non-zero
    /// (entry l − 1; `componentCount` entries). `labels` may lie on an in-plane rectangle of the
    /// mask's grid (``PlaneRect``, same slices).
    static func countPerLabel(_ labels: LabelVolume, componentCount: Int, where mask: MaskVolume) -> [Int64] {
        var counts = [Int64](repeating: 0, count: componentCount)
        let lg = labels.grid, mg = mask.grid
        let rect = PlaneRect(lg, in: mg)
        precondition(lg.nz == mg.nz && rect.x >= 0 && rect.y >= 0 && rect.x + lg.nx <= mg.nx && rect.y + lg.ny <= mg.ny,
                     "labels not on a rectangle of the mask's grid")
        counts.withUnsafeMutableBufferPointer { c in
            labels.withUnsafeBufferPointer { l in
                mask.withUnsafeBufferPointer { m in
                    for z in 0..<lg.nz {
                        for y in 0..<lg.ny {
                            let li = (z &* lg.ny &+ y) &* lg.nx
                            let mi = (z &* mg.ny &+ y &+ rect.y) &* mg.nx &+ rect.x
                            for x in 0..<lg.nx where l[li &+ x] > 0 && m[mi &+ x] != 0 { c[Int(l[li &+ x]) &- 1] &+= 1 }
                        }
                    }
                }
            }
        }
        return counts
    }

    private static func clampHU(_ hu: Double) -> Int16 { Int16(max(-32768, min(32767, hu))) }

    /// 1 where `mask` is non-zero and `lo ≤ HU ≤ hi`.
    private static func window(_ mask: MaskVolume, _ ct: CTVolume, _ lo: Int16, _ hi: Int16) -> MaskVolume {
        precondition(mask.grid == ct.grid, "mask and CT on different grids")
        return mask.withUnsafeBufferPointer { pm in
            ct.withUnsafeBufferPointer { c in
                MaskVolume.written(grid: mask.grid) { o, n in
                    var i = 0
                    while i < n {
                        let v = c[i]
                        o[i] = pm[i] != 0 && v >= lo && v <= hi ? 1 : 0
                        i &+= 1
                    }
                }
            }
        }
    }
}
