/// Brute-force non-negative least squares for a handful of variables: the minimum over all active
/// sets of the unconstrained least-squares solution on the free columns, among those that are ≥ 0.
enum NNLSReference {
    static func solve(_ a: [[Double]], _ b: [Double]) -> [Double] {
        let n = a[0].count
        var best = [Double](repeating: 0, count: n)
        var bestCost = b.reduce(0) { $0 + $1 * $1 }
        for subset in 1..<(1 << n) {
            let free = (0..<n).filter { subset & (1 << $0) != 0 }
            guard let xs = leastSquares(a, b, columns: free), xs.allSatisfy({ $0 >= 0 }) else { continue }
            var x = [Double](repeating: 0, count: n)
            for (k, j) in free.enumerated() { x[j] = xs[k] }
            let cost = a.indices.reduce(0.0) { s, i in
                let r = zip(a[i], x).reduce(0) { $0 + $1.0 * $1.1 } - b[i]
                return s + r * r
            }
            if cost < bestCost { bestCost = cost; best = x }
        }
        return best
    }

    /// Normal equations on the chosen columns, solved by Gaussian elimination with partial pivoting.
    private static func leastSquares(_ a: [[Double]], _ b: [Double], columns: [Int]) -> [Double]? {
        let k = columns.count
        var m = (0..<k).map { p in
            (0..<k).map { q in a.indices.reduce(0) { $0 + a[$1][columns[p]] * a[$1][columns[q]] } }
                + [a.indices.reduce(0) { $0 + a[$1][columns[p]] * b[$1] }]
        }
        for c in 0..<k {
            guard let pivot = (c..<k).max(by: { abs(m[$0][c]) < abs(m[$1][c]) }), abs(m[pivot][c]) > 1e-12 else { return nil }
            m.swapAt(c, pivot)
            for r in 0..<k where r != c {
                let factor = m[r][c] / m[c][c]
                for q in c...k { m[r][q] -= factor * m[c][q] }
            }
        }
        return (0..<k).map { m[$0][k] / m[$0][$0] }
    }
}
