import Core
import Segmentation

/// The explicit mapping of the segmentation pipeline's slab data onto task payloads (field names in Protocol.md).
enum SegmentationMessages {
    static func encode(_ input: SlabStepInput) -> TaskPayload {
        var payload = TaskPayload()
        payload["step"] = .text(input.step.rawValue)
        payload["slab"] = .int64([input.slabIndex, input.core.lowerBound, input.core.upperBound,
                                  input.extended.lowerBound, input.extended.upperBound].map(Int64.init))
        payload.setVolume(input.ct, as: "ct")
        for (name, mask) in input.masks { payload.setVolume(mask, as: "mask." + name) }
        let scalars = input.scalars.sorted { $0.key < $1.key }
        payload["scalars.names"] = .text(scalars.map(\.key).joined(separator: "\n"))
        payload["scalars.values"] = .float64(scalars.map(\.value))
        return payload
    }

    static func decodeInput(_ payload: TaskPayload) throws -> SlabStepInput {
        let step = try self.step(payload)
        let slab = try payload.int64s("slab")
        guard slab.count == 5, slab[1] <= slab[2], slab[3] <= slab[4] else { throw WireError.malformed("field slab is not [index, core, extended]") }
        let namesText = try payload.text("scalars.names")
        let names = namesText.isEmpty ? [] : namesText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let values = try payload.float64s("scalars.values")
        guard names.count == values.count else { throw WireError.malformed("\(names.count) scalar names for \(values.count) values") }
        var masks: [String: MaskVolume] = [:]
        for name in payload.volumeNames(prefix: "mask.") { masks[name] = try payload.maskVolume("mask." + name) }
        return SlabStepInput(step: step, slabIndex: Int(slab[0]), core: Int(slab[1])..<Int(slab[2]),
                             extended: Int(slab[3])..<Int(slab[4]), ct: try payload.int16Volume("ct"), masks: masks,
                             scalars: Dictionary(uniqueKeysWithValues: zip(names, values)))
    }

    static func encode(_ output: SlabStepOutput) -> TaskPayload {
        var payload = TaskPayload()
        payload["step"] = .text(output.step.rawValue)
        payload["slab"] = .int64([Int64(output.slabIndex), Int64(output.core.lowerBound), Int64(output.core.upperBound)])
        for (name, mask) in output.masks { payload.setVolume(mask, as: "mask." + name) }
        for (name, labels) in output.labels { payload.setVolume(labels, as: "labels." + name) }
        for (name, summary) in output.summaries {
            let key = "summary." + name
            payload[key + ".shape"] = .int64([summary.nx, summary.ny, summary.firstCoreSlice, summary.coreSliceCount].map(Int64.init))
            payload[key + ".first"] = .int32(summary.firstSliceLabels)
            payload[key + ".last"] = .int32(summary.lastSliceLabels)
            payload[key + ".voxels"] = .int64(summary.sums.voxelCounts)
            payload[key + ".index_sums"] = .int64(summary.sums.indexSums)
            payload[key + ".boxes"] = .int32(summary.sums.boundingBoxes)
        }
        for (name, counts) in output.counts { payload["counts." + name] = .int64(counts) }
        return payload
    }

    static func decodeOutput(_ payload: TaskPayload) throws -> SlabStepOutput {
        let step = try self.step(payload)
        let slab = try payload.int64s("slab")
        guard slab.count == 3, slab[1] <= slab[2] else { throw WireError.malformed("field slab is not [index, core]") }
        var masks: [String: MaskVolume] = [:]
        for name in payload.volumeNames(prefix: "mask.") { masks[name] = try payload.maskVolume("mask." + name) }
        var labels: [String: LabelVolume] = [:]
        for name in payload.volumeNames(prefix: "labels.") { labels[name] = try payload.int32Volume("labels." + name) }
        var summaries: [String: SlabLabelSummary] = [:]
        for shapeKey in payload.fields.keys where shapeKey.hasPrefix("summary.") && shapeKey.hasSuffix(".shape") {
            let key = String(shapeKey.dropLast(".shape".count))
            let shape = try payload.int64s(shapeKey)
            guard shape.count == 4 else { throw WireError.malformed("field \(shapeKey) is not [nx, ny, first slice, slices]") }
            let sums = try ComponentSums(voxelCounts: payload.int64s(key + ".voxels"), indexSums: payload.int64s(key + ".index_sums"),
                                         boundingBoxes: payload.int32s(key + ".boxes"))
            summaries[String(key.dropFirst("summary.".count))] = try SlabLabelSummary(
                nx: Int(shape[0]), ny: Int(shape[1]), firstCoreSlice: Int(shape[2]), coreSliceCount: Int(shape[3]),
                firstSliceLabels: payload.int32s(key + ".first"), lastSliceLabels: payload.int32s(key + ".last"), sums: sums)
        }
        var counts: [String: [Int64]] = [:]
        for key in payload.fields.keys where key.hasPrefix("counts.") { counts[String(key.dropFirst("counts.".count))] = try payload.int64s(key) }
        return SlabStepOutput(step: step, slabIndex: Int(slab[0]), core: Int(slab[1])..<Int(slab[2]), masks: masks,
                              labels: labels, summaries: summaries, counts: counts)
    }

    private static func step(_ payload: TaskPayload) throws -> LocalStepID {
        let name = try payload.text("step")
        guard let step = LocalStepID(rawValue: name) else { throw WireError.malformed("unknown segmentation step \(name)") }
        return step
    }
}
