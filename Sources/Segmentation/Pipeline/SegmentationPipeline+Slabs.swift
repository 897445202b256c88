import Core

extension SegmentationPipeline {
    /// The task of local step `step` for `slab` (a slab of a decomposition with at least
    /// ``haloSlices(forStep:)`` halo): the extended-slab CT, the extended-slab masks the step reads
    /// (labellings as class maps from the latest global decisions) and the scalars it needs.
    /// Volumes the requested structures do not need are absent; ``runLocal(step:input:)`` checks
    /// for those it needs.
    /// - Throws: ``SegmentationError/inconsistentSlabs(_:)`` when a labelling has no global decision yet.
    public func slabInput(step: LocalStepID, slab: Slab, state: SegmentationState) throws -> SlabStepInput {
        var masks: [String: MaskVolume] = [:]
        for name in Self.inputs(of: step) {
            if let full = state.masks[name] {
                masks[name] = full.slab(slab.extended)
            } else if state.labels[name] != nil {
                masks[name] = try classMap(name, range: slab.extended, state: state)
            }
        }
        var scalars = request.scalars
        for s in request.structures { scalars["structure." + s.rawValue] = 1 }
        for (k, v) in state.decisions { scalars[k] = v }
        return SlabStepInput(step: step, slabIndex: slab.index, core: slab.core, extended: slab.extended,
                             ct: state.ct.slab(slab.extended), masks: masks, scalars: scalars)
    }

    /// The class map of labelling `name` over slices `range`: each voxel's local label mapped
    /// through the class table of the slab that labelled its slice.
    func classMap(_ name: String, range: Range<Int>, state: SegmentationState) throws -> MaskVolume {
        guard let labels = state.labels[name], let cores = state.labelCores[name], let tables = state.classTables[name],
              tables.count == cores.count else {
            throw SegmentationError.inconsistentSlabs("labelling '\(name)' has no decision yet")
        }
        let part = labels.slab(range)
        var out = MaskVolume(grid: part.grid)
        let s = grid.sliceCount
        part.withUnsafeBufferPointer { l in
            out.withUnsafeMutableBufferPointer { o in
                var slabIndex = 0
                for z in range {
                    while !cores[slabIndex].contains(z) { slabIndex += 1 }
                    let table = tables[slabIndex]
                    let base = (z - range.lowerBound) * s
                    for i in base..<(base + s) { o[i] = table[Int(l[i])] }
                }
            }
        }
        return out
    }

    /// Reassembles the outputs of local step `step` (one per slab, in slab order, cores tiling the
    /// volume) into full-grid volumes of `state` and keeps their summaries for the next global step.
    public func absorb(step: LocalStepID, outputs: [SlabStepOutput], into state: inout SegmentationState) throws {
        var next = 0
        for o in outputs {
            guard o.step == step, o.core.lowerBound == next, o.core.upperBound <= grid.nz, !o.core.isEmpty else {
                throw SegmentationError.inconsistentSlabs("output of slab \(o.slabIndex) (step \(o.step.rawValue), slices \(o.core)) does not continue step \(step.rawValue) at slice \(next)")
            }
            next = o.core.upperBound
        }
        guard next == grid.nz else { throw SegmentationError.inconsistentSlabs("slab outputs cover \(next) of \(grid.nz) slices") }
        let names = Set(outputs.flatMap { $0.masks.keys })
        for name in names {
            var full = MaskVolume(grid: grid)
            for o in outputs {
                guard let m = o.masks[name], m.grid.nx == grid.nx, m.grid.ny == grid.ny, m.grid.nz == o.core.count else {
                    throw SegmentationError.inconsistentSlabs("slab \(o.slabIndex) lacks mask '\(name)' on its core")
                }
                full.replaceSlices(from: o.core.lowerBound, with: m.voxels[...])
            }
            state.masks[name] = full
        }
        for name in Set(outputs.flatMap { $0.labels.keys }) {
            var full = LabelVolume(grid: grid)
            var summaries: [SlabLabelSummary] = []
            for o in outputs {
                guard let l = o.labels[name], let summary = o.summaries[name], l.grid.nz == o.core.count,
                      l.grid.sliceCount == grid.sliceCount else {
                    throw SegmentationError.inconsistentSlabs("slab \(o.slabIndex) lacks labelling '\(name)' on its core")
                }
                full.replaceSlices(from: o.core.lowerBound, with: l.voxels[...])
                summaries.append(summary)
            }
            state.labels[name] = full
            state.summaries[name] = summaries
            state.labelCores[name] = outputs.map(\.core)
            state.classTables[name] = nil
        }
        for name in Set(outputs.flatMap { $0.counts.keys }) {
            state.counts[name] = try outputs.map { o in
                guard let c = o.counts[name] else { throw SegmentationError.inconsistentSlabs("slab \(o.slabIndex) lacks counts '\(name)'") }
                return c
            }
        }
    }
}
