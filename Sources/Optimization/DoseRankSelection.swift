/// Exact selection of the k-th highest dose of a structure whose voxels are spread over ranks,
/// using only sum-reductions of small histograms (radix select on the IEEE-754 bit pattern).
///
/// Non-negative Doubles order like their bit patterns read as UInt64, so eight rounds of a 256-bin
/// histogram on successive bytes (most significant first) pin down the exact value. Negative
/// doses are treated as 0.
struct DoseRankSelection {
    /// Histogram bins per round.
    static let binCount = 256
    /// Rounds needed for 64-bit keys.
    static let roundCount = 8

    /// Rank (1-based, in decreasing dose order) still sought among voxels matching `prefix`.
    var rank: Int
    /// Bytes of the key fixed so far.
    var prefix: UInt64 = 0
    /// Rounds completed.
    var round = 0

    init(rank: Int) { self.rank = rank }

    static func key(_ doseGy: Double) -> UInt64 { (doseGy > 0 ? doseGy : 0).bitPattern }

    /// Adds the local voxels that match the prefix to `histogram` (256 counts) for the current round.
    func accumulate(doseGy: UnsafeBufferPointer<Double>, voxels: [Int32], into histogram: UnsafeMutableBufferPointer<Double>) {
        let shift = UInt64(56 - 8 * round)
        for v in voxels {
            let k = DoseRankSelection.key(doseGy[Int(v)])
            if round > 0 && (k >> (shift + 8)) != prefix { continue }
            histogram[Int((k >> shift) & 255)] += 1
        }
    }

    /// Fixes the next byte from the globally summed histogram.
    mutating func advance(histogram: ArraySlice<Double>) {
        var bin = 0
        var remaining = rank
        for b in stride(from: DoseRankSelection.binCount - 1, through: 0, by: -1) {
            let c = Int(histogram[histogram.startIndex + b])
            if remaining <= c { bin = b; break }
            remaining -= c
        }
        rank = remaining
        prefix = (prefix << 8) | UInt64(bin)
        round += 1
    }

    /// The selected dose once all rounds are done.
    var doseGy: Double { Double(bitPattern: prefix) }

    /// matRad's rank of the dose at volume `volumePct` among `count` voxels: max(1, ⌈V n / 100⌉), at most n.
    static func rank(volumePct: Double, count: Int) -> Int {
        let exact = volumePct * Double(count) / 100
        return min(count, max(1, Int((exact - 1e-9).rounded(.up))))
    }
}
