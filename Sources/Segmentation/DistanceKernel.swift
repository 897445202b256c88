/// Exact separable squared Euclidean distance transform (Felzenszwalb–Huttenlocher lower envelope
/// of parabolas), one axis at a time, with anisotropic weights.
///
/// Pass along axis a turns `f` into `min_q f(q) + (sₐ·(p − q))²` on every line; after x, y and z
/// passes a value of 0 on foreground and +∞ elsewhere becomes the squared distance in mm² to the
/// nearest foreground voxel centre. The x pass, on binary input, reduces to two sweeps. Each pass
/// is O(line length); +∞ sites are skipped, so lines without foreground stay +∞. Lines along y and z are gathered in blocks of `blockWidth`
/// neighbouring x columns so that memory is read and written in whole cache lines.
enum DistanceKernel {
    /// Number of x columns gathered together for the strided y and z passes.
    static let blockWidth = 16

    /// Writes into `values` (`nx·ny·nz`, z-major) the squared distance in mm² from each voxel to the
    /// nearest voxel of `mask` whose non-zero-ness equals `selectingNonZero`.
    static func transform(mask: UnsafePointer<UInt8>, selectingNonZero: Bool, into values: UnsafeMutablePointer<Double>,
                          nx: Int, ny: Int, nz: Int, spacingMM: SIMD3<Double>) {
        let longest = max(nx, ny, nz)
        let scratch = Scratch(lineLength: longest, lines: blockWidth)
        defer { scratch.deallocate() }
        let slice = nx &* ny
        // x: the input is binary, so the 1D transform is the distance to the nearest selected voxel of the row.
        for row in 0..<(ny &* nz) {
            rowDistances(mask + row &* nx, selectingNonZero: selectingNonZero, into: values + row &* nx,
                         count: nx, weight: spacingMM.x * spacingMM.x)
        }
        // y: columns of each slice; z: columns of the volume.
        pass(values, groups: nz, groupStride: slice, width: nx, stride: nx, count: ny, weight: spacingMM.y * spacingMM.y, scratch)
        pass(values, groups: ny, groupStride: nx, width: nx, stride: slice, count: nz, weight: spacingMM.z * spacingMM.z, scratch)
    }

    /// `out[p] = w·(p − q)²` for the nearest selected `q` of the row (+∞ when none): a forward sweep
    /// records the last selected index, a backward sweep the next one.
    @inline(__always)
    static func rowDistances(_ m: UnsafePointer<UInt8>, selectingNonZero: Bool, into out: UnsafeMutablePointer<Double>,
                             count n: Int, weight w: Double) {
        var last = -1
        var q = 0
        while q < n {
            if (m[q] != 0) == selectingNonZero { last = q }
            out[q] = last < 0 ? .infinity : w * Double((q &- last) &* (q &- last))
            q &+= 1
        }
        var next = -1
        q = n &- 1
        while q >= 0 {
            if (m[q] != 0) == selectingNonZero { next = q }
            if next >= 0 {
                let d = w * Double((next &- q) &* (next &- q))
                if d < out[q] { out[q] = d }
            }
            q &-= 1
        }
    }

    /// Line buffers for one block of lines.
    struct Scratch {
        let input: UnsafeMutablePointer<Double>, output: UnsafeMutablePointer<Double>
        let site: UnsafeMutablePointer<Int>
        let boundNumerator: UnsafeMutablePointer<Double>, boundDenominator: UnsafeMutablePointer<Double>

        init(lineLength n: Int, lines: Int) {
            input = .allocate(capacity: n &* lines)
            output = .allocate(capacity: n &* lines)
            site = .allocate(capacity: n)
            boundNumerator = .allocate(capacity: n &+ 1)
            boundDenominator = .allocate(capacity: n &+ 1)
        }

        func deallocate() {
            input.deallocate(); output.deallocate(); site.deallocate()
            boundNumerator.deallocate(); boundDenominator.deallocate()
        }
    }

    /// Transforms the lines `values[g·groupStride + x + q·stride]`, q in 0..<count, for every group
    /// g and column x in 0..<width, gathering up to `blockWidth` adjacent columns at a time.
    static func pass(_ values: UnsafeMutablePointer<Double>, groups: Int, groupStride: Int, width: Int,
                     stride: Int, count n: Int, weight w: Double, _ s: Scratch) {
        for g in 0..<groups {
            let base = values + g &* groupStride
            var x0 = 0
            while x0 < width {
                let bw = min(blockWidth, width &- x0)
                var q = 0
                while q < n {
                    let src = base + (x0 &+ q &* stride)
                    var b = 0
                    while b < bw { s.input[b &* n &+ q] = src[b]; b &+= 1 }
                    q &+= 1
                }
                var b = 0
                while b < bw {
                    envelope(s.input + b &* n, into: s.output + b &* n, count: n, weight: w, s)
                    b &+= 1
                }
                q = 0
                while q < n {
                    let dst = base + (x0 &+ q &* stride)
                    b = 0
                    while b < bw { dst[b] = s.output[b &* n &+ q]; b &+= 1 }
                    q &+= 1
                }
                x0 &+= bw
            }
        }
    }

    /// `out[p] = min_q f[q] + w·(p − q)²` over the finite `f[q]` (+∞ when there is none).
    ///
    /// The lower envelope keeps its sites in `site` and the abscissa where each site's parabola
    /// takes over as a fraction `boundNumerator / boundDenominator` (denominator > 0), so that the
    /// comparisons multiply instead of divide.
    @inline(__always)
    static func envelope(_ f: UnsafeMutablePointer<Double>, into out: UnsafeMutablePointer<Double>, count n: Int,
                         weight w: Double, _ s: Scratch) {
        let v = s.site, zn = s.boundNumerator, zd = s.boundDenominator
        var k = -1
        var q = 0
        while q < n {
            let fq = f[q]
            if fq == .infinity { q &+= 1; continue }
            if k < 0 {
                k = 0; v[0] = q
                zn[0] = -.infinity; zd[0] = 1; zn[1] = .infinity; zd[1] = 1
                q &+= 1
                continue
            }
            let hq = fq + w * Double(q &* q)
            var num: Double, den: Double
            while true {
                let p = v[k]
                num = hq - (f[p] + w * Double(p &* p))
                den = 2 * w * Double(q &- p)
                if num * zd[k] <= zn[k] * den { k &-= 1 } else { break }
            }
            k &+= 1
            v[k] = q; zn[k] = num; zd[k] = den
            zn[k &+ 1] = .infinity; zd[k &+ 1] = 1
            q &+= 1
        }
        if k < 0 {
            q = 0
            while q < n { out[q] = .infinity; q &+= 1 }
            return
        }
        k = 0
        q = 0
        while q < n {
            let dq = Double(q)
            while zn[k &+ 1] < dq * zd[k &+ 1] { k &+= 1 }
            let d = q &- v[k]
            out[q] = w * Double(d &* d) + f[v[k]]
            q &+= 1
        }
    }
}
