import Dose
import Planning

/// The influence stage of a `dose` or `plan` job: one phase of beamlet-batch tasks (batch size from the
/// beamlet count alone), then the assembled influence matrix. A job run hands its tasks to the
/// coordinator and the phase's results (in task order) back to ``matrix(from:)``.
struct InfluenceStage {
    /// The resolved dose calculation.
    let setup: DoseSetup
    /// The batches, one task each.
    let batches: [BeamletBatch]

    init(setup: DoseSetup) throws {
        self.setup = setup
        batches = try BeamletBatch.batches(of: setup)
    }

    /// The phase's task inputs, in batch order.
    var tasks: [TaskPayload] { batches.map(DoseMessages.encode) }

    /// The worker side: the columns of one batch task.
    static func execute(_ input: TaskPayload) throws -> TaskPayload {
        DoseMessages.encode(try DoseMessages.decodeBatch(input).columns())
    }

    /// The influence matrix and the summed energy balance from the phase's results.
    func matrix(from results: [TaskPayload]) throws -> (matrix: InfluenceMatrix, bookkeeping: EnergyBookkeeping) {
        guard results.count == batches.count else {
            throw DoseKindError("\(results.count) batch results for \(batches.count) batches")
        }
        var columns: [BeamletColumn] = []
        for (batch, result) in zip(batches, results) {
            let received = try DoseMessages.decodeColumns(result)
            guard received.map(\.beamletID) == Array(batch.beamletIDs) else {
                throw DoseKindError("the result of beamlets \(batch.beamletIDs) holds other beamlets")
            }
            columns += received
        }
        let matrix = try InfluenceAssembly.matrix(grid: setup.patient.grid, beamletCount: setup.geometry.beamlets.count, columns: columns)
        return (matrix, InfluenceAssembly.bookkeeping(of: columns))
    }
}
