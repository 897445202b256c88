import Core
import Dose
import Planning

/// The explicit mapping of beamlet batches and their columns onto task payloads (field names in Protocol.md).
///
/// Input: `patient.grid`, `patient.density` (float64 g/cm³), `patient.material` (uint8), `beams` (float64
/// [gantry°, iso x, y, z mm, SAD mm] per beam), `beamlets` (float64 [beam index, u, v, width mm] per beamlet,
/// id = position), `geometry` (float64 [bixel mm, focal spot σ mm]), `beamlet_ids` (int64 [first, end)),
/// `statistics` (int64 [seed bits, histories, batches]), `threshold` (float64), optionally `beamlet_histories`
/// (int64 per beamlet of the range, replacing the histories of `statistics`), `roulette` (float64 [below MeV, survival],
/// only when Russian roulette is on; absent = off). Output: `beamlet_ids`
/// (int64 per column), `counts` (int64 entries per column), `rows` (int32), `dose` and `sigma` (float32,
/// Gy per unit weight) concatenated over the columns, and `bookkeeping` (float64 [emitted, deposited,
/// escaped MeV, unscattered primaries, histories, roulette removed MeV, roulette added MeV] per column).
/// A forward batch (final and correction doses of a plan) adds `dose.task` = `forward` and `weights` (float64 per
/// beamlet of the range); its result is the batch's ``PartialDose``: `rows` (int32), `dose` (float64 Gy),
/// `variance` (float64 Gy²) and `bookkeeping` (float64, one 7-value record for the batch).
enum DoseMessages {
    static func encode(_ batch: BeamletBatch) -> TaskPayload {
        encode(batch, shared: SharedBeamletFields(patient: batch.patient, geometry: batch.geometry))
    }

    /// A Monte Carlo batch whose patient and geometry fields are `shared` (encoded once for a phase's batches).
    static func encode(_ batch: BeamletBatch, shared: SharedBeamletFields) -> TaskPayload {
        var payload = encodeBeamlets(shared: shared, ids: batch.beamletIDs)
        let s = batch.statistics
        payload["statistics"] = .int64([Int64(bitPattern: s.seed), Int64(s.historiesPerBeamlet), Int64(s.uncertaintyBatches)])
        payload["threshold"] = .float64([s.thresholdRelative])
        if let h = batch.beamletHistories { payload["beamlet_histories"] = .int64(h.map(Int64.init)) }
        if s.transport.rouletteEnabled { payload["roulette"] = .float64([s.transport.rouletteBelowMeV, s.transport.rouletteSurvival]) }
        return payload
    }

    /// A forward batch: the Monte Carlo batch's fields plus the weights of its beamlets.
    static func encodeForward(_ batch: BeamletBatch, weights: [Double], shared: SharedBeamletFields) -> TaskPayload {
        var payload = encode(batch, shared: shared)
        payload[PencilBeamMessages.taskField] = .text("forward")
        payload["weights"] = .float64(weights)
        return payload
    }

    static func decodeForward(_ payload: TaskPayload) throws -> (batch: BeamletBatch, weights: [Double]) {
        (try decodeBatch(payload), try payload.float64s("weights"))
    }

    static func encode(_ partial: PartialDose) -> TaskPayload {
        var payload = TaskPayload()
        payload["rows"] = .int32(partial.rows)
        payload["dose"] = .float64(partial.doseGy)
        payload["variance"] = .float64(partial.varianceGy2)
        payload["bookkeeping"] = .float64(records(of: partial.bookkeeping))
        return payload
    }

    static func decodePartialDose(_ payload: TaskPayload) throws -> PartialDose {
        let rows = try payload.int32s("rows"), dose = try payload.float64s("dose"), variance = try payload.float64s("variance")
        let balances = try records(payload, "bookkeeping", width: 7)
        guard dose.count == rows.count, variance.count == rows.count, balances.count == 1 else {
            throw WireError.malformed("fields of a forward-dose result disagree in length")
        }
        return PartialDose(rows: rows, doseGy: dose, varianceGy2: variance, bookkeeping: bookkeeping(balances[0]))
    }

    /// The fields shared by Monte Carlo and pencil-beam batches: patient, beams, beamlets (shared, cached on the
    /// workers) and the id range.
    static func encodeBeamlets(shared: SharedBeamletFields, ids: Range<Int>) -> TaskPayload {
        var payload = TaskPayload()
        payload.setGrid(shared.grid, as: "patient.grid")
        for (name, field) in shared.fields { payload.setShared(name, field.value, key: field.key) }
        payload["beamlet_ids"] = .int64([Int64(ids.lowerBound), Int64(ids.upperBound)])
        return payload
    }

    static func decodeBatch(_ payload: TaskPayload) throws -> BeamletBatch {
        let (patient, geometry, ids) = try decodeBeamlets(payload)
        let statistics = try payload.int64s("statistics")
        let threshold = try payload.float64s("threshold")
        guard statistics.count == 3, threshold.count == 1 else {
            throw WireError.malformed("fields statistics or threshold have the wrong length")
        }
        let histories = try payload["beamlet_histories"].map { _ in try payload.int64s("beamlet_histories").map { Int($0) } }
        var transport = TransportSettings()
        if payload["roulette"] != nil {
            let roulette = try payload.float64s("roulette")
            guard roulette.count == 2 else { throw WireError.malformed("field roulette is not [below MeV, survival]") }
            transport.rouletteBelowMeV = roulette[0]
            transport.rouletteSurvival = roulette[1]
        }
        return try BeamletBatch(patient: patient, geometry: geometry, beamletIDs: ids,
                                statistics: BeamletStatistics(seed: UInt64(bitPattern: statistics[0]), historiesPerBeamlet: Int(statistics[1]),
                                                              uncertaintyBatches: Int(statistics[2]), thresholdRelative: threshold[0],
                                                              transport: transport),
                                beamletHistories: histories)
    }

    /// The patient, geometry and id range of ``encodeBeamlets(patient:geometry:ids:)``.
    static func decodeBeamlets(_ payload: TaskPayload) throws -> (PatientModel, BeamGeometry, Range<Int>) {
        let grid = try payload.grid("patient.grid")
        let patient = try WorkerDoseCache.shared.patient(grid: grid, density: payload.float64s("patient.density"),
                                                         materials: payload.uint8s("patient.material"))
        let beamValues = try records(payload, "beams", width: 5)
        let beams = try beamValues.map { try Beam(gantryDeg: $0[0], isocentreMM: SIMD3($0[1], $0[2], $0[3]), sadMM: $0[4]) }
        let beamlets = try records(payload, "beamlets", width: 4).enumerated().map { id, v in
            guard v[0] >= 0, v[0] < Double(beams.count), v[0] == v[0].rounded() else { throw WireError.malformed("beamlet \(id) has no beam") }
            return Beamlet(id: id, beamIndex: Int(v[0]), uMM: v[1], vMM: v[2], widthMM: v[3])
        }
        let shape = try payload.float64s("geometry")
        guard shape.count == 2 else { throw WireError.malformed("field geometry is not [bixel, focal spot]") }
        let geometry = try BeamGeometry(beams: beams, beamlets: beamlets, bixelMM: shape[0], focalSpotSigmaMM: shape[1])
        let ids = try payload.int64s("beamlet_ids")
        guard ids.count == 2, ids[0] <= ids[1] else { throw WireError.malformed("field beamlet_ids is not [first, end)") }
        return (patient, geometry, Int(ids[0])..<Int(ids[1]))
    }

    /// A batch result: its consecutive columns.
    static func encode(_ block: BeamletColumnBlock) -> TaskPayload {
        var payload = TaskPayload()
        payload["beamlet_ids"] = .int64(block.counts.indices.map { Int64(block.firstBeamletID + $0) })
        payload["counts"] = .int64(block.counts.map(Int64.init))
        payload["rows"] = .int32(block.rowIndices)
        payload["dose"] = .float32(block.doseGy)
        // Omitted when every uncertainty is 0 (pencil-beam columns): a third less to send and to receive.
        if block.uncertaintyGy.contains(where: { $0 != 0 }) { payload["sigma"] = .float32(block.uncertaintyGy) }
        payload["bookkeeping"] = .float64(block.bookkeeping.flatMap(records(of:)))
        return payload
    }

    /// An energy balance as its 7-value wire record.
    static func records(of b: EnergyBookkeeping) -> [Double] {
        [b.emittedMeV, b.depositedMeV, b.escapedMeV, Double(b.unscatteredPrimaries), Double(b.histories), b.rouletteRemovedMeV, b.rouletteAddedMeV]
    }

    /// The energy balance of a 7-value wire record.
    static func bookkeeping(_ record: [Double]) -> EnergyBookkeeping {
        var balance = EnergyBookkeeping()
        balance.emittedMeV = record[0]
        balance.depositedMeV = record[1]
        balance.escapedMeV = record[2]
        balance.unscatteredPrimaries = Int(record[3])
        balance.histories = Int(record[4])
        balance.rouletteRemovedMeV = record[5]
        balance.rouletteAddedMeV = record[6]
        return balance
    }

    /// The columns of a batch result as one block (consecutive ids), without per-column copies.
    static func decodeBlock(_ payload: TaskPayload) throws -> BeamletColumnBlock {
        let ids = try payload.int64s("beamlet_ids"), counts = try payload.int64s("counts")
        let balances = try records(payload, "bookkeeping", width: 7)
        let first = ids.first.map { Int(clamping: $0) } ?? 0
        guard ids.enumerated().allSatisfy({ $0.element == Int64(first) + Int64($0.offset) }) else {
            throw WireError.malformed("the beamlet_ids of a dose result are not consecutive")
        }
        do {
            return try BeamletColumnBlock(firstBeamletID: first, counts: counts.map { Int(clamping: $0) }, rowIndices: payload.int32s("rows"),
                                          doseGy: payload.float32s("dose"), uncertaintyGy: uncertainty(payload),
                                          bookkeeping: balances.map(bookkeeping))
        } catch let error as PlanningError {
            throw WireError.malformed("dose result: \(error)")
        }
    }

    /// The `sigma` field of a batch result; all zero (one per row) when it is absent.
    static func uncertainty(_ payload: TaskPayload) throws -> [Float] {
        payload["sigma"] == nil ? [Float](repeating: 0, count: try payload.int32s("rows").count) : try payload.float32s("sigma")
    }

    /// Field `name` as consecutive records of `width` float64 values.
    static func records(_ payload: TaskPayload, _ name: String, width: Int) throws -> [[Double]] {
        let values = try payload.float64s(name)
        guard values.count % width == 0 else { throw WireError.malformed("field \(name) is not a list of \(width)-value records") }
        return stride(from: 0, to: values.count, by: width).map { Array(values[$0..<($0 + width)]) }
    }
}
