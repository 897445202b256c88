/// Exact separable squared Euclidean distance transform (Felzenszwalb–Huttenlocher lower envelope
/// of parabolas), one axis at a time, with anisotropic weights.
///
/// Pass along axis a turns `f` into `min_q f(q) + (sₐ·(p − q))²` on every line; after x, y and z
/// passes a value of 0 on foreground and +∞ elsewhere becomes the squared distance in mm² to the
/// nearest foreground voxel centre. Each pass is O(line length); +∞ sites are skipped, so lines
/// without foreground stay +∞.
enum DistanceKernel {
    /// Transforms `values` (`nx·ny·nz`, z-major) in place.
    static func transform(_ values: UnsafeMutablePointer<Double>, nx: Int, ny: Int, nz: Int, spacingMM: SIMD3<Double>) {
        let longest = max(nx, ny, nz)
        let line = UnsafeMutablePointer<Double>.allocate(capacity: longest)
        let site = UnsafeMutablePointer<Int>.allocate(capacity: longest)
        let bound = UnsafeMutablePointer<Double>.allocate(capacity: longest + 1)
        defer { line.deallocate(); site.deallocate(); bound.deallocate() }
        let slice = nx &* ny
        // x lines are contiguous: transform in place through the scratch line.
        for start in stride(from: 0, to: slice &* nz, by: nx) {
            pass(values + start, stride: 1, count: nx, weight: spacingMM.x * spacingMM.x, line: line, site: site, bound: bound)
        }
        for z in 0..<nz {
            for x in 0..<nx {
                pass(values + (z &* slice &+ x), stride: nx, count: ny, weight: spacingMM.y * spacingMM.y, line: line, site: site, bound: bound)
            }
        }
        for start in 0..<slice {
            pass(values + start, stride: slice, count: nz, weight: spacingMM.z * spacingMM.z, line: line, site: site, bound: bound)
        }
    }

    /// One 1D lower-envelope pass over `count` values `f[0], f[stride], …`, in place.
    @inline(__always)
    static func pass(_ f: UnsafeMutablePointer<Double>, stride: Int, count n: Int, weight w: Double,
                     line g: UnsafeMutablePointer<Double>, site v: UnsafeMutablePointer<Int>,
                     bound z: UnsafeMutablePointer<Double>) {
        var q = 0
        while q < n { g[q] = f[q &* stride]; q &+= 1 }
        var k = -1
        q = 0
        while q < n {
            let gq = g[q]
            if gq == .infinity { q &+= 1; continue }
            if k < 0 {
                k = 0; v[0] = q; z[0] = -.infinity; z[1] = .infinity
                q &+= 1
                continue
            }
            let fq = gq + w * Double(q &* q)
            var s: Double
            while true {
                let p = v[k]
                s = (fq - (g[p] + w * Double(p &* p))) / (2 * w * Double(q &- p))
                if s <= z[k] { k &-= 1 } else { break }
            }
            k &+= 1
            v[k] = q; z[k] = s; z[k &+ 1] = .infinity
            q &+= 1
        }
        if k < 0 { return }  // no finite site: the line stays +∞
        k = 0
        q = 0
        while q < n {
            let dq = Double(q)
            while z[k &+ 1] < dq { k &+= 1 }
            let d = q &- v[k]
            f[q &* stride] = w * Double(d &* d) + g[v[k]]
            q &+= 1
        }
    }
}
