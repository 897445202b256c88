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
        var destination = [Int32](repeating: 0, count: rowIndices.count)
        var entries = [Int](repeating: 0, count: count)
        for (e, row) in rowIndices.enumerated() {
            let d = destinationOfRow(row)
            destination[e] = Int32(d)
            entries[d] += 1
        }
        var offsets = (0..<count).map { _ in [Int](repeating: 0, count: columnCount + 1) }
        var rows = entries.map { [Int32](repeating: 0, count: $0) }
        var doses = entries.map { [Float](repeating: 0, count: $0) }
        var filled = [Int](repeating: 0, count: count)
        for c in 0..<columnCount {
            for e in columnOffsets[c]..<columnOffsets[c + 1] {
                let d = Int(destination[e])
                rows[d][filled[d]] = rowIndices[e]
                doses[d][filled[d]] = values[e]
                filled[d] += 1
            }
            for d in 0..<count { offsets[d][c + 1] = filled[d] }
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
        let ordered = rows.indices.filter { !rows[$0].isEmpty }.sorted { rows[$0].lowerBound < rows[$1].lowerBound }
        for (a, b) in zip(ordered, ordered.dropFirst()) where rows[a].upperBound > rows[b].lowerBound {
            throw OptimizationError.invalidMatrix("row blocks \(rows[a]) and \(rows[b]) overlap")
        }
        /// The block holding `row` (binary search over the few blocks), or nil.
        func block(of row: Int) -> Int? {
            var lo = 0, hi = ordered.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if rows[ordered[mid]].upperBound <= row { lo = mid + 1 } else { hi = mid }
            }
            return lo < ordered.count && rows[ordered[lo]].contains(row) ? ordered[lo] : nil
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
