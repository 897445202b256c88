import Core

/// The dose influence matrix D (voxels × beamlets) in compressed sparse column form (scipy `csc_matrix`
/// layout: `columnPointers` = indptr, `rowIndices` = indices, `doseGy` = data), with the standard error
/// of every entry. Dose for weights w is D·w; its statistical uncertainty is √(Σ_j w_j² σ_ij²).
public struct InfluenceMatrix: Sendable, Hashable {
    /// Dose grid (rows are its z-major voxel indices).
    public let grid: Grid
    /// Number of beamlets (columns).
    public let columnCount: Int
    /// Column j occupies `columnPointers[j]..<columnPointers[j+1]` of the entry arrays (count columnCount + 1).
    public let columnPointers: [Int64]
    /// Row (voxel) index of each entry, increasing within a column.
    public let rowIndices: [Int32]
    /// Dose per unit weight (Gy) of each entry.
    public let doseGy: [Float]
    /// Standard error (Gy per unit weight) of each entry.
    public let uncertaintyGy: [Float]

    /// Assembles columns into a matrix of `columnCount` columns; column j is the one with
    /// `beamletID == j` (absent ids give empty columns).
    /// - Throws: ``DoseError`` for an id outside 0..<columnCount, a repeated id or rows outside the grid.
    public init(grid: Grid, columnCount: Int, columns: [BeamletColumn]) throws {
        guard grid.voxelCount <= Int(Int32.max) + 1, columnCount >= 0 else {
            throw DoseError.invalidParameter("\(grid.voxelCount) voxels do not fit Int32 row indices or column count \(columnCount) < 0")
        }
        var slot = [Int?](repeating: nil, count: max(columnCount, 0))
        for (n, c) in columns.enumerated() {
            guard slot.indices.contains(c.beamletID), slot[c.beamletID] == nil else {
                throw DoseError.invalidParameter("column for beamlet \(c.beamletID) is outside 0..<\(columnCount) or repeated")
            }
            guard c.rowIndices.allSatisfy({ $0 >= 0 && Int($0) < grid.voxelCount }) else {
                throw DoseError.invalidParameter("column \(c.beamletID) has rows outside the \(grid.voxelCount)-voxel grid")
            }
            slot[c.beamletID] = n
        }
        var pointers: [Int64] = [0]
        var rows: [Int32] = [], dose: [Float] = [], error: [Float] = []
        let total = columns.reduce(0) { $0 + $1.rowIndices.count }
        rows.reserveCapacity(total); dose.reserveCapacity(total); error.reserveCapacity(total)
        for s in slot {
            if let s {
                rows += columns[s].rowIndices; dose += columns[s].doseGy; error += columns[s].uncertaintyGy
            }
            pointers.append(Int64(rows.count))
        }
        self.grid = grid
        self.columnCount = columnCount
        self.columnPointers = pointers
        self.rowIndices = rows
        self.doseGy = dose
        self.uncertaintyGy = error
    }

    /// A matrix from its CSC arrays (``columnPointers`` has one value more than there are columns).
    /// - Throws: ``DoseError`` when the pointers do not run from 0, non-decreasing, to the entry count, the entry
    ///   arrays differ in length, or a row lies outside the grid.
    public init(grid: Grid, columnPointers: [Int64], rowIndices: [Int32], doseGy: [Float], uncertaintyGy: [Float]) throws {
        guard grid.voxelCount <= Int(Int32.max) + 1 else {
            throw DoseError.invalidParameter("\(grid.voxelCount) voxels do not fit Int32 row indices")
        }
        guard columnPointers.first == 0, columnPointers.last == Int64(rowIndices.count),
              zip(columnPointers, columnPointers.dropFirst()).allSatisfy({ $0 <= $1 }) else {
            throw DoseError.invalidParameter("column pointers must run from 0, non-decreasing, to the \(rowIndices.count) entries")
        }
        guard doseGy.count == rowIndices.count, uncertaintyGy.count == rowIndices.count else {
            throw DoseError.invalidParameter("\(rowIndices.count) rows, \(doseGy.count) doses and \(uncertaintyGy.count) uncertainties")
        }
        let voxels = Int32(truncatingIfNeeded: grid.voxelCount)
        guard rowIndices.allSatisfy({ $0 >= 0 && $0 < voxels }) else {
            throw DoseError.invalidParameter("an entry has a row outside the \(grid.voxelCount)-voxel grid")
        }
        self.grid = grid
        self.columnCount = columnPointers.count - 1
        self.columnPointers = columnPointers
        self.rowIndices = rowIndices
        self.doseGy = doseGy
        self.uncertaintyGy = uncertaintyGy
    }

    /// Number of stored entries.
    public var nonZeroCount: Int { rowIndices.count }

    /// Rows, doses and standard errors of column `j`.
    public func column(_ j: Int) -> (rows: ArraySlice<Int32>, doseGy: ArraySlice<Float>, uncertaintyGy: ArraySlice<Float>) {
        let range = Int(columnPointers[j])..<Int(columnPointers[j + 1])
        return (rowIndices[range], doseGy[range], uncertaintyGy[range])
    }

    /// Dose (Gy) of the beamlet weights `weights` (one per column), accumulated in double precision.
    public func dose(weights: [Double]) throws -> DoseVolume {
        try accumulate(weights: weights, values: doseGy, inQuadrature: false)
    }

    /// Standard error (Gy) of ``dose(weights:)``: √(Σ_j w_j² σ_ij²), beamlets being independent.
    public func doseUncertainty(weights: [Double]) throws -> DoseVolume {
        try accumulate(weights: weights, values: uncertaintyGy, inQuadrature: true)
    }

    func accumulate(weights: [Double], values: [Float], inQuadrature: Bool) throws -> DoseVolume {
        guard weights.count == columnCount else {
            throw DoseError.invalidParameter("\(weights.count) weights for \(columnCount) beamlets")
        }
        var sum = [Double](repeating: 0, count: grid.voxelCount)
        for j in 0..<columnCount where weights[j] != 0 {
            for n in Int(columnPointers[j])..<Int(columnPointers[j + 1]) {
                let x = weights[j] * Double(values[n])
                sum[Int(rowIndices[n])] += inQuadrature ? x * x : x
            }
        }
        return try DoseVolume(grid: grid, voxels: sum.map { Float(inQuadrature ? $0.squareRoot() : $0) })
    }
}
