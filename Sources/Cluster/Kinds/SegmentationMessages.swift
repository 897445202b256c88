import Core
import Segmentation

/// The explicit mapping of the segmentation pipeline's slab data onto task payloads (field names in Protocol.md);
/// masks and label maps travel in their compact forms (``CompactVolumes``).
enum SegmentationMessages {
    /// The task of `input`: its CT when it has one, else `casePath` (the case file the worker reads the
    /// extended slab's CT slices from: ``SlabStepInput/ctSlicesToRead``).
    static func encode(_ input: SlabStepInput, casePath: String? = nil) -> TaskPayload {
        var payload = TaskPayload()
        payload["step"] = .text(input.step.rawValue)
        payload["slab"] = .int64([input.slabIndex, input.core.lowerBound, input.core.upperBound,
                                  input.extended.lowerBound, input.extended.upperBound].map(Int64.init))
        if let ct = input.ct { payload.setVolume(ct, as: "ct") } else if let casePath { payload["ct.case"] = .text(casePath) }
        if input.reportsSliceWork { payload["slice_work.report"] = .int64([1]) }
        for (name, mask) in input.masks { CompactVolumes.setMask(mask, as: "mask." + name, in: &payload) }
        let scalars = input.scalars.sorted { $0.key < $1.key }
        payload["scalars.names"] = .text(scalars.map(\.key).joined(separator: "\n"))
        payload["scalars.values"] = .float64(scalars.map(\.value))
        return payload
    }

    /// The input of a task and, when it carries no CT, the case file to read its CT slices from.
    static func decodeInput(_ payload: TaskPayload) throws -> (input: SlabStepInput, casePath: String?) {
        let step = try self.step(payload)
        let slab = try payload.int64s("slab")
        guard slab.count == 5, slab[1] <= slab[2], slab[3] <= slab[4] else { throw WireError.malformed("field slab is not [index, core, extended]") }
        let namesText = try payload.text("scalars.names")
        let names = namesText.isEmpty ? [] : namesText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let values = try payload.float64s("scalars.values")
        guard names.count == values.count else { throw WireError.malformed("\(names.count) scalar names for \(values.count) values") }
        var masks: [String: MaskVolume] = [:]
        for name in payload.volumeNames(prefix: "mask.") { masks[name] = try CompactVolumes.mask("mask." + name, in: payload) }
        let casePath = payload["ct.case"] == nil ? nil : try payload.text("ct.case")
        guard (payload["ct"] == nil) == (casePath != nil) else { throw WireError.malformed("a slab task needs either field ct or field ct.case") }
        var input = SlabStepInput(step: step, slabIndex: Int(slab[0]), core: Int(slab[1])..<Int(slab[2]),
                                  extended: Int(slab[3])..<Int(slab[4]), ct: casePath == nil ? try payload.int16Volume("ct") : nil, masks: masks,
                                  scalars: Dictionary(uniqueKeysWithValues: zip(names, values)))
        input.reportsSliceWork = payload["slice_work.report"] != nil
        return (input, casePath)
    }

    static func encode(_ output: SlabStepOutput) -> TaskPayload {
        var payload = TaskPayload()
        payload["step"] = .text(output.step.rawValue)
        payload["slab"] = .int64([Int64(output.slabIndex), Int64(output.core.lowerBound), Int64(output.core.upperBound)])
        for (name, mask) in output.masks { CompactVolumes.setMask(mask, as: "mask." + name, in: &payload) }
        for (name, labels) in output.labels { CompactVolumes.setLabels(labels, as: "labels." + name, in: &payload) }
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
        if !output.sliceWork.isEmpty { payload["slice_work"] = .int64(output.sliceWork) }
        return payload
    }

    static func decodeOutput(_ payload: TaskPayload) throws -> SlabStepOutput {
        let step = try self.step(payload)
        let slab = try payload.int64s("slab")
        guard slab.count == 3, slab[1] <= slab[2] else { throw WireError.malformed("field slab is not [index, core]") }
        var masks: [String: MaskVolume] = [:]
        for name in payload.volumeNames(prefix: "mask.") { masks[name] = try CompactVolumes.mask("mask." + name, in: payload) }
        var labels: [String: LabelVolume] = [:]
        for name in payload.volumeNames(prefix: "labels.") { labels[name] = try CompactVolumes.labels("labels." + name, in: payload) }
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
        var output = SlabStepOutput(step: step, slabIndex: Int(slab[0]), core: Int(slab[1])..<Int(slab[2]), masks: masks,
                                    labels: labels, summaries: summaries, counts: counts)
        if payload["slice_work"] != nil { output.sliceWork = try payload.int64s("slice_work") }
        return output
    }

    private static func step(_ payload: TaskPayload) throws -> LocalStepID {
        let name = try payload.text("step")
        guard let step = LocalStepID(rawValue: name) else { throw WireError.malformed("unknown segmentation step \(name)") }
        return step
    }
}
