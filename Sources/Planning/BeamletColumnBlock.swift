import Dose

/// Consecutive beamlet columns as one batch returns them: ids `firstBeamletID ..< firstBeamletID + counts.count`,
/// the entries of all columns concatenated in id order.
public struct BeamletColumnBlock: Sendable, Equatable {
    /// Id of the first column.
    public let firstBeamletID: Int
    /// Entries per column.
    public let counts: [Int]
    /// Rows, doses (Gy per unit weight) and standard errors of all entries, column after column.
    public let rowIndices: [Int32]
    public let doseGy: [Float]
    public let uncertaintyGy: [Float]
    /// Energy balance per column.
    public let bookkeeping: [EnergyBookkeeping]

    /// A block; throws ``PlanningError`` when the counts, entries and balances disagree.
    public init(firstBeamletID: Int, counts: [Int], rowIndices: [Int32], doseGy: [Float], uncertaintyGy: [Float],
                bookkeeping: [EnergyBookkeeping]) throws {
        guard firstBeamletID >= 0, counts.allSatisfy({ $0 >= 0 }), counts.reduce(0, +) == rowIndices.count,
              doseGy.count == rowIndices.count, uncertaintyGy.count == rowIndices.count, bookkeeping.count == counts.count else {
            throw PlanningError("a column block's counts (\(counts.count) columns, \(counts.reduce(0, +)) entries), \(rowIndices.count) rows, "
                                + "\(doseGy.count) doses, \(uncertaintyGy.count) uncertainties and \(bookkeeping.count) balances disagree")
        }
        self.firstBeamletID = firstBeamletID
        self.counts = counts
        self.rowIndices = rowIndices
        self.doseGy = doseGy
        self.uncertaintyGy = uncertaintyGy
        self.bookkeeping = bookkeeping
    }

    /// The block of `columns` (consecutive ids, ascending); throws ``PlanningError`` otherwise.
    public init(columns: [BeamletColumn]) throws {
        let first = columns.first?.beamletID ?? 0
        guard columns.enumerated().allSatisfy({ $0.element.beamletID == first + $0.offset }) else {
            throw PlanningError("columns of beamlets \(columns.map(\.beamletID)) are not consecutive")
        }
        try self.init(firstBeamletID: first, counts: columns.map(\.rowIndices.count), rowIndices: columns.flatMap(\.rowIndices),
                      doseGy: columns.flatMap(\.doseGy), uncertaintyGy: columns.flatMap(\.uncertaintyGy),
                      bookkeeping: columns.map(\.bookkeeping))
    }
}
