import Core

/// Voxel-wise combinations of masks and CT windows on the same grid (all outputs 0/1).
enum MaskAlgebra {
    /// a AND b.
    static func and(_ a: MaskVolume, _ b: MaskVolume) -> MaskVolume { combine(a, b) { $0 & $1 } }
    /// a OR b.
    static func or(_ a: MaskVolume, _ b: MaskVolume) -> MaskVolume { combine(a, b) { $0 | $1 } }
    /// a AND NOT b.
    static func minus(_ a: MaskVolume, _ b: MaskVolume) -> MaskVolume { combine(a, b) { $0 & ($1 ^ 1) } }

    /// 1 where `classes` equals `value`.
    static func equal(_ classes: MaskVolume, _ value: UInt8) -> MaskVolume {
        var out = MaskVolume(grid: classes.grid)
        classes.withUnsafeBufferPointer { c in
            out.withUnsafeMutableBufferPointer { o in
                for i in 0..<c.count { o[i] = c[i] == value ? 1 : 0 }
            }
        }
        return out
    }

    /// Voxels with HU ≥ `hu` (rounded up to the next integer).
    static func atLeast(_ ct: CTVolume, _ hu: Double) -> MaskVolume {
        Threshold.mask(ct, huRange: clampHU(hu.rounded(.up))...Int16.max)
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
    /// (entry l − 1; `componentCount` entries).
    static func countPerLabel(_ labels: LabelVolume, componentCount: Int, where mask: MaskVolume) -> [Int64] {
        var counts = [Int64](repeating: 0, count: componentCount)
        labels.withUnsafeBufferPointer { l in
            mask.withUnsafeBufferPointer { m in
                for i in 0..<l.count where l[i] > 0 && m[i] != 0 { counts[Int(l[i]) - 1] += 1 }
            }
        }
        return counts
    }

    private static func clampHU(_ hu: Double) -> Int16 { Int16(max(-32768, min(32767, hu))) }

    /// `f` applied to the 0/1 values of `a` and `b` (inlined so that the loop vectorises).
    @inline(__always)
    private static func combine(_ a: MaskVolume, _ b: MaskVolume, _ f: (UInt8, UInt8) -> UInt8) -> MaskVolume {
        precondition(a.grid == b.grid, "masks on different grids")
        var out = MaskVolume(grid: a.grid)
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                out.withUnsafeMutableBufferPointer { o in
                    var i = 0
                    while i < pa.count {
                        o[i] = f(pa[i] != 0 ? 1 : 0, pb[i] != 0 ? 1 : 0)
                        i &+= 1
                    }
                }
            }
        }
        return out
    }
}
