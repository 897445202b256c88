import Core
#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif

/// Exact sampling of the standard exponential distribution (density e^−x, x ≥ 0) with the ziggurat method
/// (Marsaglia & Tsang, J. Stat. Softw. 5(8), 2000): flight lengths and Highland angles without a logarithm.
///
/// The area under e^−x is covered by 256 horizontal layers of equal area v: layer 0 is the rectangle
/// [0, r] × [0, e^−r] plus the tail x > r; layer i ≥ 1 is [0, x_i] × [e^−x_i, e^−x_(i+1)] with x_1 = r > x_2 > …
/// > x_256 = 0. A draw picks a layer (8 random bits) and a uniform x in [0, x_i) (53 other bits); x < x_(i+1)
/// lies under the curve and is returned (≈ 99 % of draws). Otherwise layer 0 returns r + an exponential (the
/// tail, memoryless) and the other layers accept x when a uniform height in the layer lies below e^−x (the
/// wedge), else start again. r is solved at start so that the layers close exactly at x = 0.
struct ExponentialZiggurat: Sendable {
    static let layers = 256
    /// Layer widths x_i (x_0 = v / e^−r for the base layer with its tail), x_256 = 0.
    let width: [Double]
    /// e^−x_i per layer boundary.
    let height: [Double]
    /// x_(i+1) / x_i: the fraction of layer i that is accepted at once.
    let fastFraction: [Double]
    /// Start of the tail (x_1).
    let tailStart: Double

    static let shared = ExponentialZiggurat()

    init() {
        let n = Self.layers
        // Layer boundaries from r: x_(i+1) = −ln(e^−x_i + v / x_i), v = (r + 1) e^−r; the right r makes the last
        // layer end at the top of the curve (e^−x_(n−1) + v / x_(n−1) = 1).
        func closingError(_ r: Double) -> Double {
            let v = (r + 1) * exp(-r)
            var x = r
            for _ in 1..<(n - 1) {
                let y = exp(-x) + v / x
                if y >= 1 { return 1 }  // ran out of curve: r too small
                x = -log(y)
            }
            return exp(-x) + v / x - 1
        }
        var lo = 5.0, hi = 10.0
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if closingError(mid) > 0 { lo = mid } else { hi = mid }
        }
        let r = hi
        let v = (r + 1) * exp(-r)
        var x = [Double](repeating: 0, count: n + 1)
        x[0] = v / exp(-r)
        x[1] = r
        for i in 1..<(n - 1) { x[i + 1] = -log(exp(-x[i]) + v / x[i]) }
        x[n] = 0
        width = x
        height = x.map { exp(-$0) }
        fastFraction = (0..<n).map { x[$0 + 1] / x[$0] }
        tailStart = r
    }

    /// One standard exponential deviate.
    @inline(__always) func sample(using rng: inout RandomStream) -> Double {
        while true {
            let bits = rng.next()
            let i = Int(truncatingIfNeeded: bits & 0xFF)
            let u = Double(bits >> 11) * 0x1.0p-53
            if u < fastFraction[i] { return u * width[i] }
            if let x = slow(layer: i, u: u, using: &rng) { return x }
        }
    }

    /// The tail (layer 0) or the wedge test of layer `i` ≥ 1 for x = u·x_i; nil to start again.
    func slow(layer i: Int, u: Double, using rng: inout RandomStream) -> Double? {
        if i == 0 { return tailStart - log(1 - rng.uniform()) }
        let x = u * width[i]
        let y = height[i] + rng.uniform() * (height[i + 1] - height[i])
        return y < exp(-x) ? x : nil
    }
}
