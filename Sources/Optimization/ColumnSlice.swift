/// Consecutive columns (beamlets) of the dose-influence matrix in compressed sparse column (CSC) form, with
/// global row (voxel) indices: what a rank holds before the all-to-all of a distributed plan turns the columns
/// of all ranks into the CSR row blocks of each rank (``split(into:destinationOfRow:)`` on the sending side,
/// ``rowBlocks(rows:beamletCount:from:)`` on the receiving side).
///
/// Column `firstColumn + c` holds entries `columnOffsets[c] ..< columnOffsets[c + 1]` of `rowIndices` and
/// `values`, in the order the dose engine produced them.
public struct ColumnSlice: Sendable, Equatable {
    /// Global index of the first column.
    public let firstColumn: Int
    /// Column start offsets, `columnCount + 1` entries, non-decreasing, from 0 to the entry count.
    public let columnOffsets: [Int]
    /// Global row of each entry, ≥ 0.
    public let rowIndices: [Int32]
    /// Dose per unit weight in Gy of each entry.
    public let values: [Float]

    /// Number of columns.
    public var columnCount: Int { columnOffsets.count - 1 }

    /// Creates a slice after checking offsets, lengths and rows.
    public init(firstColumn: Int, columnOffsets: [Int], rowIndices: [Int32], values: [Float]) throws {
        guard firstColumn >= 0, !columnOffsets.isEmpty, columnOffsets.first == 0, columnOffsets.last == values.count,
              rowIndices.count == values.count else {
            throw OptimizationError.invalidMatrix("column slice offsets (\(columnOffsets.count)), rows (\(rowIndices.count)) and values (\(values.count)) disagree")
        }
        for c in 0..<(columnOffsets.count - 1) where columnOffsets[c] > columnOffsets[c + 1] {
            throw OptimizationError.invalidMatrix("column offsets decrease at column \(firstColumn + c)")
        }
        if let bad = rowIndices.first(where: { $0 < 0 }) { throw OptimizationError.invalidMatrix("row index \(bad)") }
        self.firstColumn = firstColumn
        self.columnOffsets = columnOffsets
        self.rowIndices = rowIndices
        self.values = values
    }

    /// One slice of the same columns per destination, each holding, in the original order, the entries whose row
    /// `destinationOfRow` sends there (a value in `0..<count`).
    public func split(into count: Int, destinationOfRow: (Int32) -> Int) -> [ColumnSlice] {
        var offsets = [[Int]](repeating: [0], count: count)
        var rows = [[Int32]](repeating: [], count: count)
        var doses = [[Float]](repeating: [], count: count)
        for c in 0..<columnCount {
            for e in columnOffsets[c]..<columnOffsets[c + 1] {
                let d = destinationOfRow(rowIndices[e])
                rows[d].append(rowIndices[e])
                doses[d].append(values[e])
            }
            for d in 0..<count { offsets[d].append(rows[d].count) }
        }
        // The arrays are consistent by construction; the checked initialiser cannot fail here.
        return (0..<count).map { d in try! ColumnSlice(firstColumn: firstColumn, columnOffsets: offsets[d], rowIndices: rows[d], values: doses[d]) }
    }

    /// The CSR blocks of the global row ranges `rows` from `slices`, whose columns must follow one another from
    /// column 0 to `beamletCount` (as the ranks' column ranges do); entries outside `rows` are an error. Entries
    /// within a row are ordered by beamlet, so each block equals
    /// ``InfluenceMatrix/init(columnOffsets:rowIndices:values:rows:)`` of the whole matrix.
    public static func rowBlocks(rows: [Range<Int>], beamletCount: Int, from slices: [ColumnSlice]) throws -> [InfluenceMatrix] {
        var next = 0
        for slice in slices {
            guard slice.firstColumn == next else {
                throw OptimizationError.invalidMatrix("a column slice starts at column \(slice.firstColumn), expected \(next)")
            }
            next += slice.columnCount
        }
        guard next == beamletCount else { throw OptimizationError.invalidMatrix("the column slices hold \(next) of \(beamletCount) columns") }
        // The block of each row between the lowest and highest block row (−1 for none).
        let low = rows.map(\.lowerBound).min() ?? 0, high = max(low, rows.map(\.upperBound).max() ?? 0)
        var blockOfRow = [Int32](repeating: -1, count: high - low)
        for (b, range) in rows.enumerated() {
            for row in range {
                guard blockOfRow[row - low] < 0 else { throw OptimizationError.invalidMatrix("row block \(range) overlaps another") }
                blockOfRow[row - low] = Int32(b)
            }
        }
        func block(of row: Int) -> Int? {
            guard row >= low, row < high, blockOfRow[row - low] >= 0 else { return nil }
            return Int(blockOfRow[row - low])
        }
        var counts = rows.map { [Int](repeating: 0, count: $0.count + 1) }
        for slice in slices {
            for row in slice.rowIndices {
                guard let b = block(of: Int(row)) else { throw OptimizationError.invalidMatrix("row \(row) lies in none of the row blocks") }
                counts[b][Int(row) - rows[b].lowerBound + 1] += 1
            }
        }
        for b in rows.indices { for r in 0..<rows[b].count { counts[b][r + 1] += counts[b][r] } }
        var fill = counts
        var columns = counts.map { [Int32](repeating: 0, count: $0.last!) }
        var doses = counts.map { [Float](repeating: 0, count: $0.last!) }
        for slice in slices {
            for c in 0..<slice.columnCount {
                for e in slice.columnOffsets[c]..<slice.columnOffsets[c + 1] {
                    let row = Int(slice.rowIndices[e])
                    let b = block(of: row)!, r = row - rows[b].lowerBound
                    columns[b][fill[b][r]] = Int32(slice.firstColumn + c)
                    doses[b][fill[b][r]] = slice.values[e]
                    fill[b][r] += 1
                }
            }
        }
        return try rows.indices.map { b in
            try InfluenceMatrix(rowCount: rows[b].count, beamletCount: beamletCount, rowOffsets: counts[b], beamletIndices: columns[b], values: doses[b])
        }
    }
}
