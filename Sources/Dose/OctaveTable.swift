/// A smooth function of x > 0 tabulated for the transport's inner loops without transcendental calls.
///
/// The nodes are the doubles whose mantissa ends in zeros after its leading `bitsPerOctave` bits:
/// 2^bitsPerOctave nodes per octave, equally spaced inside the octave (relative spacing ≤ 2^−bitsPerOctave).
/// The bucket of x is its bit pattern shifted right, so a lookup is a shift, a subtraction, one
/// multiply-add and no search. Between nodes the function is interpolated linearly in x: for a power law
/// x^b the relative error is at most |b(b − 1)|/8 · 2^(−2·bitsPerOctave) (7 bits: 8e-6 · |b(b − 1)|).
/// Outside [lowerX, upperX) ``value(at:)`` returns nil and the caller evaluates the function directly.
struct OctaveTable: Sendable {
    let shift: UInt64
    let firstKey: Int
    /// Node x, value and slope to the next node, side by side (one cache line per lookup).
    struct Node: Sendable {
        let x: Double, value: Double, slope: Double
    }
    let nodes: [Node]
    /// Smallest and (exclusive) largest x served by the table.
    let lowerX: Double, upperX: Double

    /// Tabulates `f` over [2^lowerExponent, 2^upperExponent) with 2^bitsPerOctave nodes per octave.
    init(lowerExponent: Int, upperExponent: Int, bitsPerOctave: Int = 7, _ f: (Double) -> Double) {
        precondition(lowerExponent < upperExponent && (1...20).contains(bitsPerOctave), "invalid octave table range")
        let shift = UInt64(52 - bitsPerOctave)
        let lower = Double(sign: .plus, exponent: lowerExponent, significand: 1)
        let upper = Double(sign: .plus, exponent: upperExponent, significand: 1)
        let first = Int(lower.bitPattern >> shift), last = Int(upper.bitPattern >> shift)
        // One node past the last bucket closes its interpolation interval.
        let x = (first...last).map { Double(bitPattern: UInt64($0) << shift) }
        let y = x.map(f)
        self.shift = shift
        lowerX = lower
        upperX = upper
        firstKey = first
        nodes = x.indices.map { n in
            Node(x: x[n], value: y[n], slope: n + 1 < x.count ? (y[n + 1] - y[n]) / (x[n + 1] - x[n]) : 0)
        }
    }

    /// The interpolated value at `x`, or nil outside [lowerX, upperX) (and for NaN).
    @inline(__always) func value(at x: Double) -> Double? {
        guard x >= lowerX, x < upperX else { return nil }
        let n = Int(truncatingIfNeeded: x.bitPattern >> shift) &- firstKey
        let node = nodes[n]
        return node.value + node.slope * (x - node.x)
    }
}
