/// A block of rows of the dose-influence matrix D (voxels × beamlets, Gy per unit beamlet weight) in
/// compressed sparse row (CSR) form.
///
/// In a distributed plan each rank holds the rows of the voxels of its dose-grid z-slab, so that the
/// dose `d = D w` of its voxels is local and the gradient `Dᵀ ∂f/∂d` is a partial sum over ranks.
/// Row `r` holds entries `rowOffsets[r] ..< rowOffsets[r + 1]` of `beamletIndices` and `values`.
public struct InfluenceMatrix: Sendable, Equatable {
    /// Number of voxels (rows) in this block.
    public let rowCount: Int
    /// Number of beamlets (columns) of the whole plan.
    public let beamletCount: Int
    /// Row start offsets into `beamletIndices`/`values`, `rowCount + 1` entries, non-decreasing, from 0.
    public let rowOffsets: [Int]
    /// Beamlet (column) index of each stored entry, each in `0 ..< beamletCount`.
    public let beamletIndices: [Int32]
    /// Dose per unit weight in Gy of each stored entry.
    public let values: [Float]

    /// Number of stored non-zero entries.
    public var nonZeroCount: Int { values.count }

    /// Creates a CSR block after checking offsets, index ranges and lengths.
    public init(rowCount: Int, beamletCount: Int, rowOffsets: [Int], beamletIndices: [Int32], values: [Float]) throws {
        guard rowCount >= 0, beamletCount > 0, beamletCount <= Int(Int32.max) else {
            throw OptimizationError.invalidMatrix("\(rowCount) rows × \(beamletCount) beamlets")
        }
        guard rowOffsets.count == rowCount + 1, rowOffsets.first == 0, rowOffsets.last == values.count,
              beamletIndices.count == values.count else {
            throw OptimizationError.invalidMatrix("offsets (\(rowOffsets.count) for \(rowCount) rows), indices (\(beamletIndices.count)) and values (\(values.count)) disagree")
        }
        for r in 0..<rowCount where rowOffsets[r] > rowOffsets[r + 1] {
            throw OptimizationError.invalidMatrix("row offsets decrease at row \(r)")
        }
        if let bad = beamletIndices.first(where: { $0 < 0 || Int($0) >= beamletCount }) {
            throw OptimizationError.invalidMatrix("beamlet index \(bad) outside 0..<\(beamletCount)")
        }
        self.rowCount = rowCount
        self.beamletCount = beamletCount
        self.rowOffsets = rowOffsets
        self.beamletIndices = beamletIndices
        self.values = values
    }

    /// The rows `rows` of a matrix given in compressed sparse column (CSC) form (one column per
    /// beamlet, as the dose engine produces it), as a CSR block whose row 0 is global row
    /// `rows.lowerBound`. Entries within a row are ordered by beamlet.
    public init(columnOffsets: [Int], rowIndices: [Int32], values: [Float], rows: Range<Int>) throws {
        let beamlets = columnOffsets.count - 1
        guard beamlets > 0, columnOffsets.first == 0, columnOffsets.last == values.count, rowIndices.count == values.count else {
            throw OptimizationError.invalidMatrix("CSC offsets (\(columnOffsets.count)), row indices (\(rowIndices.count)) and values (\(values.count)) disagree")
        }
        let lo = rows.lowerBound, n = rows.count
        var counts = [Int](repeating: 0, count: n + 1)
        for c in 0..<beamlets {
            guard columnOffsets[c] <= columnOffsets[c + 1] else { throw OptimizationError.invalidMatrix("column offsets decrease at column \(c)") }
            for e in columnOffsets[c]..<columnOffsets[c + 1] where rows.contains(Int(rowIndices[e])) {
                counts[Int(rowIndices[e]) - lo + 1] += 1
            }
        }
        for r in 0..<n { counts[r + 1] += counts[r] }
        var next = counts
        var columns = [Int32](repeating: 0, count: counts[n])
        var entries = [Float](repeating: 0, count: counts[n])
        for c in 0..<beamlets {
            for e in columnOffsets[c]..<columnOffsets[c + 1] where rows.contains(Int(rowIndices[e])) {
                let r = Int(rowIndices[e]) - lo
                columns[next[r]] = Int32(c)
                entries[next[r]] = values[e]
                next[r] += 1
            }
        }
        try self.init(rowCount: n, beamletCount: beamlets, rowOffsets: counts, beamletIndices: columns, values: entries)
    }
}
