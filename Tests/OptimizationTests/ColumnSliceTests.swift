import Core
import Testing
@testable import Optimization

/// The column-to-row redistribution of a distributed plan (the all-to-all's two halves) on random sparse matrices.
@Suite struct ColumnSliceTests {
    /// A random 30 × 17 matrix at 30 % density: cut into 1…5 consecutive column slices (some empty), each split
    /// by a random row → destination map into 3 pieces; the pieces of one destination rebuild its row blocks
    /// exactly (same entries, in beamlet order) as the CSR of the whole matrix restricted to those rows.
    @Test func splitPiecesRebuildTheRowBlocksOfTheWholeMatrix() throws {
        let dense = TestMatrices.dense(rows: 30, cols: 17, density: 0.3, seed: 3)
        let (offsets, rows, values) = TestMatrices.csc(dense)
        let blocks: [[Range<Int>]] = [[0..<7, 19..<30], [7..<12], [12..<19]]
        let destinationOfRow = { (row: Int32) in blocks.firstIndex { $0.contains { $0.contains(Int(row)) } }! }
        var rng = RandomStream(seed: 9)
        for sliceCount in 1...5 {
            var starts = [0] + (1..<sliceCount).map { _ in Int(rng.uniform() * 18) }.sorted() + [17]
            starts = starts.sorted()
            let slices = try (0..<sliceCount).map { s in
                try ColumnSlice(firstColumn: starts[s], columnOffsets: offsets[starts[s]...starts[s + 1]].map { $0 - offsets[starts[s]] },
                                rowIndices: Array(rows[offsets[starts[s]]..<offsets[starts[s + 1]]]),
                                values: Array(values[offsets[starts[s]]..<offsets[starts[s + 1]]]))
            }
            let pieces = slices.map { $0.split(into: 3, destinationOfRow: destinationOfRow) }
            #expect(pieces.flatMap { $0.map(\.values.count) }.reduce(0, +) == values.count, "every entry goes to one destination")
            for d in 0..<3 {
                let built = try ColumnSlice.rowBlocks(rows: blocks[d], beamletCount: 17, from: pieces.map { $0[d] })
                let reference = try blocks[d].map { try InfluenceMatrix(columnOffsets: offsets, rowIndices: rows, values: values, rows: $0) }
                #expect(built == reference, "\(sliceCount) slices, destination \(d)")
            }
        }
    }

    /// Slices that skip or repeat columns, rows outside every block, overlapping blocks and malformed slices are
    /// rejected.
    @Test func inconsistentInputIsRejected() throws {
        let a = try ColumnSlice(firstColumn: 0, columnOffsets: [0, 1, 2], rowIndices: [0, 3], values: [1, 2])
        let b = try ColumnSlice(firstColumn: 2, columnOffsets: [0, 1], rowIndices: [1], values: [3])
        #expect(try ColumnSlice.rowBlocks(rows: [0..<4], beamletCount: 3, from: [a, b]).map(\.nonZeroCount) == [3])
        #expect(throws: OptimizationError.self) { try ColumnSlice.rowBlocks(rows: [0..<4], beamletCount: 3, from: [b, a]) }
        #expect(throws: OptimizationError.self) { try ColumnSlice.rowBlocks(rows: [0..<4], beamletCount: 4, from: [a, b]) }
        #expect(throws: OptimizationError.self) { try ColumnSlice.rowBlocks(rows: [0..<3], beamletCount: 3, from: [a, b]) }
        #expect(throws: OptimizationError.self) { try ColumnSlice.rowBlocks(rows: [0..<2, 1..<4], beamletCount: 3, from: [a, b]) }
        #expect(throws: OptimizationError.self) { try ColumnSlice(firstColumn: 0, columnOffsets: [0, 2, 1], rowIndices: [0, 1], values: [1, 1]) }
        #expect(throws: OptimizationError.self) { try ColumnSlice(firstColumn: 0, columnOffsets: [0, 1], rowIndices: [-1], values: [1]) }
        #expect(throws: OptimizationError.self) { try ColumnSlice(firstColumn: 0, columnOffsets: [0, 1], rowIndices: [0, 1], values: [1]) }
    }
}
