/// One beamlet's column of the dose influence matrix: dose per unit weight on the dose grid.
///
/// Entries below the threshold (relative to the column's maximum) are dropped; `rowIndices` are
/// z-major voxel indices of the dose grid in increasing order (CSC-ready).
public struct BeamletColumn: Sendable, Hashable {
    /// The beamlet (column number).
    public let beamletID: Int
    /// Voxel indices, strictly increasing.
    public let rowIndices: [Int32]
    /// Dose in Gy per unit beamlet weight, one per row index.
    public let doseGy: [Float]
    /// Standard error of `doseGy` (Gy per unit weight) from the batch statistics.
    public let uncertaintyGy: [Float]
    /// Energy balance of the simulation of this beamlet.
    public let bookkeeping: EnergyBookkeeping

    /// A column; the three arrays must have equal lengths.
    public init(beamletID: Int, rowIndices: [Int32], doseGy: [Float], uncertaintyGy: [Float], bookkeeping: EnergyBookkeeping) {
        precondition(rowIndices.count == doseGy.count && doseGy.count == uncertaintyGy.count, "column arrays differ in length")
        self.beamletID = beamletID
        self.rowIndices = rowIndices
        self.doseGy = doseGy
        self.uncertaintyGy = uncertaintyGy
        self.bookkeeping = bookkeeping
    }

    /// Largest dose of the column (0 when empty).
    public var maximumDoseGy: Float { doseGy.max() ?? 0 }
}
