import Core
@testable import Optimization

/// Small deterministic test matrices and references.
enum TestMatrices {
    /// A dense rows × cols matrix with about `density` non-zeros, entries in (0, 1].
    static func dense(rows: Int, cols: Int, density: Double, seed: UInt64) -> [[Float]] {
        var rng = RandomStream(seed: seed, stream: 0)
        return (0..<rows).map { _ in
            (0..<cols).map { _ in rng.uniform() < density ? Float(rng.uniform() * 0.99 + 0.01) : 0 }
        }
    }

    /// CSR form of a dense matrix.
    static func csr(_ a: [[Float]]) throws -> InfluenceMatrix {
        var offsets = [0], cols: [Int32] = [], vals: [Float] = []
        for row in a {
            for (j, v) in row.enumerated() where v != 0 { cols.append(Int32(j)); vals.append(v) }
            offsets.append(vals.count)
        }
        return try InfluenceMatrix(rowCount: a.count, beamletCount: a[0].count, rowOffsets: offsets, beamletIndices: cols, values: vals)
    }

    /// CSC arrays of a dense matrix.
    static func csc(_ a: [[Float]]) -> (offsets: [Int], rows: [Int32], values: [Float]) {
        var offsets = [0], rows: [Int32] = [], vals: [Float] = []
        for j in 0..<a[0].count {
            for i in a.indices where a[i][j] != 0 { rows.append(Int32(i)); vals.append(a[i][j]) }
            offsets.append(vals.count)
        }
        return (offsets, rows, vals)
    }

    /// The n × n identity, so that weights are doses and weight gradients are dose gradients.
    static func identity(_ n: Int) throws -> InfluenceMatrix {
        try InfluenceMatrix(rowCount: n, beamletCount: n, rowOffsets: Array(0...n), beamletIndices: (0..<n).map { Int32($0) },
                            values: [Float](repeating: 1, count: n))
    }

    /// Central finite-difference gradient of `f` with step `h`.
    static func centralDifference(_ f: ([Double]) -> Double, at x: [Double], h: Double) -> [Double] {
        x.indices.map { i in
            var p = x, m = x
            p[i] += h; m[i] -= h
            return (f(p) - f(m)) / (2 * h)
        }
    }
}
