import Core
import Dose

/// Assembles the influence stage's batch results (blocks of consecutive columns, in task order) into the influence
/// matrix, checking that they cover every beamlet exactly once.
public enum InfluenceAssembly {
    /// The matrix on `grid` of `beamletCount` columns from `blocks` of consecutive columns that tile
    /// 0..<beamletCount in order (the influence stage's batches): their arrays are concatenated once, with no
    /// per-column copies.
    /// - Throws: ``PlanningError`` when the blocks do not tile the beamlets; `DoseError` for rows outside the grid.
    public static func matrix(grid: Grid, beamletCount: Int, blocks: [BeamletColumnBlock]) throws -> InfluenceMatrix {
        var next = 0, entries = 0
        for block in blocks {
            guard block.firstBeamletID == next else {
                throw PlanningError("a block starts at beamlet \(block.firstBeamletID), expected \(next)")
            }
            next += block.counts.count
            entries += block.rowIndices.count
        }
        guard next == beamletCount else { throw PlanningError("the blocks hold \(next) of \(beamletCount) beamlets") }
        var pointers: [Int64] = [0], rows: [Int32] = [], dose: [Float] = [], sigma: [Float] = []
        pointers.reserveCapacity(beamletCount + 1)
        rows.reserveCapacity(entries); dose.reserveCapacity(entries); sigma.reserveCapacity(entries)
        for block in blocks {
            for count in block.counts { pointers.append(pointers[pointers.count - 1] + Int64(count)) }
            rows += block.rowIndices; dose += block.doseGy; sigma += block.uncertaintyGy
        }
        return try InfluenceMatrix(grid: grid, columnPointers: pointers, rowIndices: rows, doseGy: dose, uncertaintyGy: sigma)
    }

    /// Energy balance summed over `blocks`.
    public static func bookkeeping(of blocks: [BeamletColumnBlock]) -> EnergyBookkeeping {
        var total = EnergyBookkeeping()
        for block in blocks { for b in block.bookkeeping { total.add(b) } }
        return total
    }

}
