/// A sparse matrix in compressed sparse column form, e.g. a dose influence matrix (one column
/// per beamlet, one row per dose voxel, values in Gy per unit fluence).
///
/// Column `j` holds `values[columnStarts[j]..<columnStarts[j+1]]` at rows
/// `rowIndices[columnStarts[j]..<columnStarts[j+1]]`. In HDF5 it is a group with datasets `data`
/// (float32), `indices` (int32), `indptr` (int64) and attributes `shape` = [rows, columns] and
/// `format` = "csc", so `scipy.sparse.csc_matrix((g["data"], g["indices"], g["indptr"]), shape=g.attrs["shape"])`
/// reads it directly.
public struct SparseMatrixCSC: Sendable, Equatable {
    /// Number of rows and columns.
    public let rows: Int, columns: Int
    /// Non-zero values (finite), column by column.
    public let values: [Float]
    /// Row of each value, in `0..<rows`.
    public let rowIndices: [Int32]
    /// Start of each column in `values`; `columns + 1` entries, non-decreasing, from 0 to `values.count`.
    public let columnStarts: [Int64]

    /// A matrix after checking the CSC invariants (see the properties) and finite values.
    public init(rows: Int, columns: Int, values: [Float], rowIndices: [Int32], columnStarts: [Int64]) throws {
        if let problem = SparseMatrixCSC.problem(rows: rows, columns: columns, values: values, rowIndices: rowIndices, columnStarts: columnStarts) {
            throw StoreError.invalid(file: "(matrix in memory)", object: "sparse matrix", reason: problem)
        }
        self.rows = rows
        self.columns = columns
        self.values = values
        self.rowIndices = rowIndices
        self.columnStarts = columnStarts
    }

    /// Number of stored values.
    public var nonZeroCount: Int { values.count }

    /// The stored rows and values of column `j`.
    public func column(_ j: Int) -> (rows: ArraySlice<Int32>, values: ArraySlice<Float>) {
        let range = Int(columnStarts[j])..<Int(columnStarts[j + 1])
        return (rowIndices[range], values[range])
    }

    /// A description of the first violated invariant, or nil when the arrays form a valid matrix.
    static func problem(rows: Int, columns: Int, values: [Float], rowIndices: [Int32], columnStarts: [Int64]) -> String? {
        guard rows >= 0, columns >= 0, rows <= Int(Int32.max) + 1 else { return "shape [\(rows), \(columns)] is not valid" }
        guard columnStarts.count == columns + 1 else { return "indptr has \(columnStarts.count) entries, expected columns + 1 = \(columns + 1)" }
        guard values.count == rowIndices.count else { return "data has \(values.count) values but indices \(rowIndices.count)" }
        guard columnStarts.first == 0, columnStarts.last == Int64(values.count) else {
            return "indptr must run from 0 to \(values.count), found \(columnStarts.first ?? -1) … \(columnStarts.last ?? -1)"
        }
        for j in 0..<columns where columnStarts[j] > columnStarts[j + 1] {
            return "indptr decreases at column \(j)"
        }
        if let k = rowIndices.firstIndex(where: { $0 < 0 || Int($0) >= rows }) {
            return "row index \(rowIndices[k]) at position \(k) outside 0..<\(rows)"
        }
        if let k = values.firstIndex(where: { !$0.isFinite }) {
            return "non-finite value \(values[k]) at position \(k)"
        }
        return nil
    }
}
