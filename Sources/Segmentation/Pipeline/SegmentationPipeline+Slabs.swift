import Core

extension SegmentationPipeline {
    /// The task of local step `step` for `slab` (a slab of a decomposition with at least
    /// ``haloSlices(forStep:)`` halo): the extended-slab CT, the extended-slab masks the step reads
    /// (labellings as class maps from the latest global decisions; those of ``coreInputs(of:)`` on
    /// the core slices only) and the scalars it needs. After
    /// body selection every volume is cropped to the body box (``BodyCrop``), once, here.
    /// Volumes the requested structures do not need are absent; ``runLocal(step:input:)`` checks
    /// for those it needs.
    /// - Throws: ``SegmentationError/inconsistentSlabs(_:)`` when a labelling has no global decision yet.
    public func slabInput(step: LocalStepID, slab: Slab, state: SegmentationState) throws -> SlabStepInput {
        let crop = step == .bodyCandidates ? nil : BodyCrop(scalars: state.decisions)
        var masks: [String: MaskVolume] = [:]
        for name in Self.inputs(of: step) {
            let range = Self.coreInputs(of: step).contains(name) ? slab.core : slab.extended
            if let mask = state.masks[name] {
                masks[name] = mask.slices(range)
            } else if state.labels[name] != nil {
                masks[name] = try classMap(name, range: range, crop: crop, state: state)
            }
        }
        var scalars = request.scalars
        for s in request.structures { scalars["structure." + s.rawValue] = 1 }
        for (k, v) in state.decisions { scalars[k] = v }
        scalars[Self.ctSliceCount] = Double(grid.nz)
        // No CT in the state: the runner of the step supplies it (`SlabStepInput.supplyCT`).
        guard let ct = state.ct else {
            return SlabStepInput(step: step, slabIndex: slab.index, core: slab.core, extended: slab.extended,
                                 ct: nil, masks: masks, scalars: scalars)
        }
        // Without a box the input refers to the whole CT (no copy; a message carries only the slab's slices).
        guard let crop else {
            return SlabStepInput(step: step, slabIndex: slab.index, core: slab.core, extended: slab.extended,
                                 ctSource: ct, ctSourceFirstSlice: 0, masks: masks, scalars: scalars)
        }
        return SlabStepInput(step: step, slabIndex: slab.index, core: slab.core, extended: slab.extended,
                             ct: crop.crop(ct, slices: slab.extended), masks: masks, scalars: scalars)
    }

    /// The in-plane box (all slices) of the volumes local step `step` reads and writes: the body box
    /// after body selection, else the whole slice.
    func workBox(step: LocalStepID, state: SegmentationState) -> (columns: Range<Int>, rows: Range<Int>) {
        guard step != .bodyCandidates, let crop = BodyCrop(scalars: state.decisions) else { return (0..<grid.nx, 0..<grid.ny) }
        return (crop.columns, crop.rows)
    }

    /// The class map of labelling `name` over slices `range`, on the body box `crop` (nil: the full
    /// slices): each voxel's local label mapped through the class table of the slab that labelled
    /// its slice, 0 outside the label map. The labels lie on an in-plane rectangle of the slices
    /// (``PlaneRect``: their foreground's columns and rows, the box, or the full slices).
    func classMap(_ name: String, range: Range<Int>, crop: BodyCrop?, state: SegmentationState) throws -> MaskVolume {
        guard let maps = state.labels[name], let cores = state.labelCores[name], let tables = state.classTables[name],
              tables.count == cores.count, maps.count == cores.count else {
            throw SegmentationError.inconsistentSlabs("labelling '\(name)' has no decision yet")
        }
        // Each slab's rectangle in the full slices and, per output row, its columns x0..<x1 (full-slice indices).
        let og = (crop?.grid(grid) ?? grid).slab(range)
        let ox = crop?.lowerX ?? 0, oy = crop?.lowerY ?? 0
        var rects: [PlaneRect] = []
        for (labels, core) in zip(maps, cores) {
            let lg = labels.grid, rect = PlaneRect(lg, in: grid)
            guard rect.x >= 0, rect.y >= 0, rect.x + lg.nx <= grid.nx, rect.y + lg.ny <= grid.ny, lg.nz == core.count else {
                throw SegmentationError.inconsistentSlabs("labelling '\(name)' (\(lg.nx)×\(lg.ny)×\(lg.nz) at \(rect.x), \(rect.y)) is not inside the slices of its core \(core)")
            }
            rects.append(rect)
        }
        return MaskVolume.written(grid: og) { o, _ in
            var slabIndex = 0
            for z in range {
                while !cores[slabIndex].contains(z) { slabIndex += 1 }
                let rect = rects[slabIndex], lg = maps[slabIndex].grid
                let x0 = max(ox, rect.x), x1 = max(x0, min(ox + og.nx, rect.x + lg.nx))
                maps[slabIndex].withUnsafeBufferPointer { l in
                    tables[slabIndex].withUnsafeBufferPointer { table in
                        for y in 0..<og.ny {
                            let dst = o + ((z &- range.lowerBound) &* og.ny &+ y) &* og.nx
                            let ly = oy &+ y &- rect.y
                            guard ly >= 0 && ly < lg.ny && x1 > x0 else { dst.update(repeating: 0, count: og.nx); continue }
                            dst.update(repeating: 0, count: x0 &- ox)
                            let src = ((z &- cores[slabIndex].lowerBound) &* lg.ny &+ ly) &* lg.nx &- rect.x
                            for x in x0..<x1 { dst[x &- ox] = table[Int(l[src &+ x])] }
                            (dst + (x1 &- ox)).update(repeating: 0, count: og.nx &- (x1 &- ox))
                        }
                    }
                }
            }
        }
    }

    /// Takes the outputs of local step `step` (one per slab, in slab order, cores tiling the volume)
    /// into `state` as they are: each volume as the pieces of its slabs (a `BoxedVolume` on the step's
    /// box, the body box after body selection; no copy), each labelling as the slabs' label maps,
    /// and keeps their summaries for the next global step.
    public func absorb(step: LocalStepID, outputs: [SlabStepOutput], into state: inout SegmentationState) throws {
        var next = 0
        for o in outputs {
            guard o.step == step, o.core.lowerBound == next, o.core.upperBound <= grid.nz, !o.core.isEmpty else {
                throw SegmentationError.inconsistentSlabs("output of slab \(o.slabIndex) (step \(o.step.rawValue), slices \(o.core)) does not continue step \(step.rawValue) at slice \(next)")
            }
            next = o.core.upperBound
        }
        guard next == grid.nz else { throw SegmentationError.inconsistentSlabs("slab outputs cover \(next) of \(grid.nz) slices") }
        let box = workBox(step: step, state: state), work = grid.box(columns: box.columns, rows: box.rows)
        for name in Set(outputs.flatMap { $0.masks.keys }) {
            state.masks[name] = try BoxedVolume(grid: grid, columns: box.columns, rows: box.rows, pieces: outputs.map { o in
                guard let v = o.masks[name], v.grid.nx == work.nx, v.grid.ny == work.ny, v.grid.nz == o.core.count else {
                    throw SegmentationError.inconsistentSlabs("slab \(o.slabIndex) lacks mask '\(name)' on its core (\(work.nx)×\(work.ny) per slice)")
                }
                return .init(first: o.core.lowerBound, voxels: v.voxels)
            })
        }
        for name in Set(outputs.flatMap { $0.labels.keys }) {
            state.labels[name] = try outputs.map { o in
                guard o.summaries[name] != nil, let v = o.labels[name], v.grid.nz == o.core.count else {
                    throw SegmentationError.inconsistentSlabs("slab \(o.slabIndex) lacks labelling '\(name)' on its core")
                }
                let rect = PlaneRect(v.grid, in: work)
                guard rect.x >= 0, rect.y >= 0, rect.x + rect.width <= work.nx, rect.y + rect.height <= work.ny else {
                    throw SegmentationError.inconsistentSlabs("slab \(o.slabIndex): labelling '\(name)' is not inside \(work.nx)×\(work.ny)")
                }
                return v
            }
            state.summaries[name] = outputs.map { $0.summaries[name]! }
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
