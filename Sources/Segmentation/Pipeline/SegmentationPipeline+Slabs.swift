import Core

extension SegmentationPipeline {
    /// The task of local step `step` for `slab` (a slab of a decomposition with at least
    /// ``haloSlices(forStep:)`` halo): the extended-slab CT, the extended-slab masks the step reads
    /// (labellings as class maps from the latest global decisions) and the scalars it needs. After
    /// body selection every volume is cropped to the body box (``BodyCrop``), once, here.
    /// Volumes the requested structures do not need are absent; ``runLocal(step:input:)`` checks
    /// for those it needs.
    /// - Throws: ``SegmentationError/inconsistentSlabs(_:)`` when a labelling has no global decision yet.
    public func slabInput(step: LocalStepID, slab: Slab, state: SegmentationState) throws -> SlabStepInput {
        let crop = step == .bodyCandidates ? nil : BodyCrop(scalars: state.decisions)
        var masks: [String: MaskVolume] = [:]
        for name in Self.inputs(of: step) {
            if let work = state.masks[name] {
                masks[name] = Self.slices(work, slab.extended)
            } else if state.labels[name] != nil {
                masks[name] = try classMap(name, range: slab.extended, crop: crop, state: state)
            }
        }
        var scalars = request.scalars
        for s in request.structures { scalars["structure." + s.rawValue] = 1 }
        for (k, v) in state.decisions { scalars[k] = v }
        let ct = crop?.crop(state.ct, slices: slab.extended) ?? Self.slices(state.ct, slab.extended)
        return SlabStepInput(step: step, slabIndex: slab.index, core: slab.core, extended: slab.extended,
                             ct: ct, masks: masks, scalars: scalars)
    }

    /// Slices `range` of `v`; `v` itself (no copy) when the range covers it.
    static func slices<V>(_ v: Volume<V>, _ range: Range<Int>) -> Volume<V> {
        range == 0..<v.grid.nz ? v : v.slab(range)
    }

    /// The grid of the volumes local step `step` reads and writes: the body box (all slices)
    /// after body selection, else the CT grid.
    func workGrid(step: LocalStepID, state: SegmentationState) -> Grid {
        guard step != .bodyCandidates, let crop = BodyCrop(scalars: state.decisions) else { return grid }
        return crop.grid(grid)
    }

    /// The class map of labelling `name` over slices `range`, on the body box `crop` (nil: the full
    /// slices): each voxel's local label mapped through the class table of the slab that labelled
    /// its slice, 0 outside the label map. The labels lie on an in-plane rectangle of the slices
    /// (``PlaneRect``: their foreground's columns and rows, the box, or the full slices).
    func classMap(_ name: String, range: Range<Int>, crop: BodyCrop?, state: SegmentationState) throws -> MaskVolume {
        guard let labels = state.labels[name], let cores = state.labelCores[name], let tables = state.classTables[name],
              tables.count == cores.count else {
            throw SegmentationError.inconsistentSlabs("labelling '\(name)' has no decision yet")
        }
        let lg = labels.grid
        let og = (crop?.grid(grid) ?? grid).slab(range)
        let rect = PlaneRect(lg, in: grid)
        guard rect.x >= 0, rect.y >= 0, rect.x + lg.nx <= grid.nx, rect.y + lg.ny <= grid.ny, lg.nz == grid.nz else {
            throw SegmentationError.inconsistentSlabs("labelling '\(name)' (\(lg.nx)×\(lg.ny) at \(rect.x), \(rect.y)) is not inside the slices")
        }
        // Columns of the output rows (full-slice indices ox…) that the label map covers: x0..<x1.
        let ox = crop?.lowerX ?? 0, oy = crop?.lowerY ?? 0
        let x0 = max(ox, rect.x), x1 = max(x0, min(ox + og.nx, rect.x + lg.nx))
        return labels.withUnsafeBufferPointer { l in
            MaskVolume.written(grid: og) { o, _ in
                var slabIndex = 0
                for z in range {
                    while !cores[slabIndex].contains(z) { slabIndex += 1 }
                    tables[slabIndex].withUnsafeBufferPointer { table in
                        for y in 0..<og.ny {
                            let dst = o + ((z &- range.lowerBound) &* og.ny &+ y) &* og.nx
                            let ly = oy &+ y &- rect.y
                            guard ly >= 0 && ly < lg.ny && x1 > x0 else { dst.update(repeating: 0, count: og.nx); continue }
                            dst.update(repeating: 0, count: x0 &- ox)
                            let src = (z &* lg.ny &+ ly) &* lg.nx &- rect.x
                            for x in x0..<x1 { dst[x &- ox] = table[Int(l[src &+ x])] }
                            (dst + (x1 &- ox)).update(repeating: 0, count: og.nx &- (x1 &- ox))
                        }
                    }
                }
            }
        }
    }

    /// Reassembles the outputs of local step `step` (one per slab, in slab order, cores tiling the
    /// volume) into volumes of `state` on the step's work grid (the body box after body selection)
    /// and keeps their summaries for the next global step. A single slab's volumes are kept as they are.
    public func absorb(step: LocalStepID, outputs: [SlabStepOutput], into state: inout SegmentationState) throws {
        var next = 0
        for o in outputs {
            guard o.step == step, o.core.lowerBound == next, o.core.upperBound <= grid.nz, !o.core.isEmpty else {
                throw SegmentationError.inconsistentSlabs("output of slab \(o.slabIndex) (step \(o.step.rawValue), slices \(o.core)) does not continue step \(step.rawValue) at slice \(next)")
            }
            next = o.core.upperBound
        }
        guard next == grid.nz else { throw SegmentationError.inconsistentSlabs("slab outputs cover \(next) of \(grid.nz) slices") }
        let work = workGrid(step: step, state: state)
        for name in Set(outputs.flatMap { $0.masks.keys }) {
            state.masks[name] = try assemble(outputs, on: work, "mask '\(name)'") { $0.masks[name] }
        }
        for name in Set(outputs.flatMap { $0.labels.keys }) {
            state.labels[name] = try assembleLabels(outputs, on: work, name)
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

    /// The label maps of labelling `name` on one in-plane rectangle of `work`, all slices: each
    /// slab's map (on its own ``PlaneRect`` of `work`) on its core slices, zero elsewhere. A single
    /// slab's map is kept as it is.
    private func assembleLabels(_ outputs: [SlabStepOutput], on work: Grid, _ name: String) throws -> LabelVolume {
        var union: PlaneRect?
        var pieces: [(LabelVolume, PlaneRect, Int)] = []
        for o in outputs {
            guard o.summaries[name] != nil, let v = o.labels[name], v.grid.nz == o.core.count else {
                throw SegmentationError.inconsistentSlabs("slab \(o.slabIndex) lacks labelling '\(name)' on its core")
            }
            let rect = PlaneRect(v.grid, in: work)
            guard rect.x >= 0, rect.y >= 0, rect.x + rect.width <= work.nx, rect.y + rect.height <= work.ny else {
                throw SegmentationError.inconsistentSlabs("slab \(o.slabIndex): labelling '\(name)' is not inside \(work.nx)×\(work.ny)")
            }
            if outputs.count == 1 { return try LabelVolume(grid: rect.grid(in: work), voxels: v.voxels) }
            union = union?.union(rect) ?? rect
            pieces.append((v, rect, o.core.lowerBound))
        }
        let u = union!
        var full = LabelVolume(grid: u.grid(in: work))
        full.withUnsafeMutableBufferPointer { f in
            for (v, rect, z) in pieces {
                let box = VoxelBox(lower: SIMD3(rect.x - u.x, rect.y - u.y, z),
                                   upper: SIMD3(rect.x - u.x + rect.width - 1, rect.y - u.y + rect.height - 1, z + v.grid.nz - 1))
                v.withUnsafeBufferPointer { ForegroundBox.insert($0.baseAddress!, nx: u.width, ny: u.height, box: box, into: f.baseAddress!) }
            }
        }
        return full
    }

    /// The volume on `work` whose core slices come from each output's `pick`.
    private func assemble<V>(_ outputs: [SlabStepOutput], on work: Grid, _ what: String,
                             pick: (SlabStepOutput) -> Volume<V>?) throws -> Volume<V> {
        var full: Volume<V>?
        for o in outputs {
            guard let v = pick(o), v.grid.nx == work.nx, v.grid.ny == work.ny, v.grid.nz == o.core.count else {
                throw SegmentationError.inconsistentSlabs("slab \(o.slabIndex) lacks \(what) on its core (\(work.nx)×\(work.ny) per slice)")
            }
            if outputs.count == 1 { return try Volume(grid: work, voxels: v.voxels) }
            if full == nil { full = Volume(grid: work) }
            full!.replaceSlices(from: o.core.lowerBound, with: v.voxels[...])
        }
        return full!
    }
}
