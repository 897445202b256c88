import Testing
@testable import Optimization

/// The unsafe-pointer CSR products against plain dense loops (tolerance 1e-12 relative: both accumulate in Double).
@Suite struct InfluenceMatrixTests {
    let dense = TestMatrices.dense(rows: 37, cols: 11, density: 0.4, seed: 7)

    @Test func doseMatchesDenseProduct() throws {
        let m = try TestMatrices.csr(dense)
        let w = (0..<11).map { Double($0) * 0.3 + 0.1 }
        let d = m.dose(weights: w)
        for i in dense.indices {
            let ref = zip(dense[i], w).reduce(0.0) { $0 + Double($1.0) * $1.1 }
            #expect(abs(d[i] - ref) <= 1e-12 * max(1, abs(ref)))
        }
    }

    @Test func transposeMatchesDenseProduct() throws {
        let m = try TestMatrices.csr(dense)
        let v = (0..<37).map { Double($0 % 5) - 1.5 }
        var g = [Double](repeating: 9, count: 11)
        m.transposeProduct(v, into: &g)
        for j in 0..<11 {
            let ref = dense.indices.reduce(0.0) { $0 + Double(dense[$1][j]) * v[$1] }
            #expect(abs(g[j] - ref) <= 1e-12 * max(1, abs(ref)))
        }
    }

    @Test func cscRowRangeEqualsDenseRows() throws {
        let (offsets, rows, values) = TestMatrices.csc(dense)
        let block = try InfluenceMatrix(columnOffsets: offsets, rowIndices: rows, values: values, rows: 10..<25)
        #expect(block == (try TestMatrices.csr(Array(dense[10..<25]))))
    }

    @Test func rejectsInconsistentArrays() {
        #expect(throws: OptimizationError.self) {
            try InfluenceMatrix(rowCount: 2, beamletCount: 3, rowOffsets: [0, 1, 2], beamletIndices: [0, 3], values: [1, 1])
        }
        #expect(throws: OptimizationError.self) {
            try InfluenceMatrix(rowCount: 2, beamletCount: 3, rowOffsets: [0, 2, 1], beamletIndices: [0, 1], values: [1, 1])
        }
    }
}
