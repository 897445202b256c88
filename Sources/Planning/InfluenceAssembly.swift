import Core
import Dose

/// Assembles the columns of the influence stage (batch results in task order) into the influence matrix,
/// checking that every beamlet arrived exactly once.
public enum InfluenceAssembly {
    /// The matrix on `grid` of `beamletCount` columns from `columns` (any order).
    /// - Throws: ``PlanningError`` when a beamlet is missing or repeated; `DoseError` for rows outside the grid.
    public static func matrix(grid: Grid, beamletCount: Int, columns: [BeamletColumn]) throws -> InfluenceMatrix {
        var seen = [Bool](repeating: false, count: beamletCount)
        for column in columns {
            guard seen.indices.contains(column.beamletID) else {
                throw PlanningError("column of beamlet \(column.beamletID) is outside 0..<\(beamletCount)")
            }
            guard !seen[column.beamletID] else { throw PlanningError("beamlet \(column.beamletID) arrived twice") }
            seen[column.beamletID] = true
        }
        if let missing = seen.firstIndex(of: false) {
            throw PlanningError("beamlet \(missing) has no column (\(seen.filter { !$0 }.count) of \(beamletCount) missing)")
        }
        return try InfluenceMatrix(grid: grid, columnCount: beamletCount, columns: columns)
    }

    /// Energy balance summed over `columns`.
    public static func bookkeeping(of columns: [BeamletColumn]) -> EnergyBookkeeping {
        var total = EnergyBookkeeping()
        for c in columns { total.add(c.bookkeeping) }
        return total
    }
}
