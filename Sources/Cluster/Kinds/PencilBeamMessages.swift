import Core
import Dose
import Planning

/// Task payloads of the pencil-beam engine (field names in Protocol.md): kernel partitions and pencil-beam
/// batches. A kernel task sends `kernel.simulation` (float64 [bixel, focal spot σ, SAD, SSD, depth spacing,
/// maximum depth, lateral spacing, lateral extent mm]) and `kernel.run` (int64 [histories, seed bits,
/// partition]); its result is `kernel.partial` (float64, the partition's histories × its table). A pencil-beam
/// batch sends the beamlet fields of a Monte Carlo batch (`DoseMessages`), `threshold` (float64 [1]),
/// `kernel.shape` (float64 [bixel, focal spot σ, SAD, depth spacing, lateral spacing mm]), `kernel.counts`
/// (int64 [depth nodes, lateral nodes, histories]) and `kernel.values` (float32); its result has the Monte
/// Carlo batch's column fields. Every task carries `dose.task` (text `kernel` or `pencil_beam`; absent for
/// Monte Carlo batches).
enum PencilBeamMessages {
    /// The payload field naming the task type.
    static let taskField = "dose.task"

    static func encode(partition: Int, of simulation: PencilBeamKernelSimulation) -> TaskPayload {
        var payload = TaskPayload()
        payload[taskField] = .text("kernel")
        let s = simulation
        payload["kernel.simulation"] = .float64([s.bixelMM, s.focalSpotSigmaMM, s.sadMM, s.ssdMM, s.depthSpacingMM, s.maximumDepthMM,
                                                 s.lateralSpacingMM, s.lateralExtentMM])
        payload["kernel.run"] = .int64([Int64(s.histories), Int64(bitPattern: s.seed), Int64(partition)])
        return payload
    }

    static func decodePartition(_ payload: TaskPayload) throws -> (simulation: PencilBeamKernelSimulation, partition: Int) {
        let v = try payload.float64s("kernel.simulation"), run = try payload.int64s("kernel.run")
        guard v.count == 8, run.count == 3 else { throw WireError.malformed("fields kernel.simulation or kernel.run have the wrong length") }
        let simulation = try PencilBeamKernelSimulation(bixelMM: v[0], focalSpotSigmaMM: v[1], sadMM: v[2], ssdMM: v[3], depthSpacingMM: v[4],
                                                        maximumDepthMM: v[5], lateralSpacingMM: v[6], lateralExtentMM: v[7],
                                                        histories: Int(run[0]), seed: UInt64(bitPattern: run[1]))
        return (simulation, Int(run[2]))
    }

    /// The pencil-beam batches of a phase, made from one dose set-up whose patient and geometry are `shared` and
    /// from `kernel`: the kernel values are encoded and hashed once and shared too.
    static func encode(_ batches: [PencilBeamBatch], shared: SharedBeamletFields, kernel k: PencilBeamKernel) -> [TaskPayload] {
        let values = WireArray.float32(k.valuesGy)
        let key = values.contentKey
        return batches.map { batch in
            var payload = DoseMessages.encodeBeamlets(shared: shared, ids: batch.beamletIDs)
            payload[taskField] = .text("pencil_beam")
            payload["threshold"] = .float64([batch.thresholdRelative])
            payload["kernel.shape"] = .float64([k.bixelMM, k.focalSpotSigmaMM, k.sadMM, k.depthSpacingMM, k.lateralSpacingMM])
            payload["kernel.counts"] = .int64([Int64(k.depthCount), Int64(k.lateralCount), Int64(k.histories)])
            payload.setShared("kernel.values", values, key: key)
            return payload
        }
    }

    static func decodeBatch(_ payload: TaskPayload) throws -> PencilBeamBatch {
        let (patient, geometry, ids) = try DoseMessages.decodeBeamlets(payload)
        let shape = try payload.float64s("kernel.shape"), counts = try payload.int64s("kernel.counts")
        let threshold = try payload.float64s("threshold")
        guard shape.count == 5, counts.count == 3, threshold.count == 1 else {
            throw WireError.malformed("fields kernel.shape, kernel.counts or threshold have the wrong length")
        }
        let kernel = try PencilBeamKernel(bixelMM: shape[0], focalSpotSigmaMM: shape[1], sadMM: shape[2], depthSpacingMM: shape[3],
                                          lateralSpacingMM: shape[4], depthCount: Int(counts[0]), lateralCount: Int(counts[1]),
                                          histories: Int(counts[2]), valuesGy: try payload.float32s("kernel.values"))
        return try PencilBeamBatch(patient: patient, geometry: geometry, kernel: kernel, beamletIDs: ids, thresholdRelative: threshold[0])
    }
}
