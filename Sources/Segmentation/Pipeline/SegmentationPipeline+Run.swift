import Core

extension SegmentationPipeline {
    /// The final masks of the requested structures, the label map (``SegmentationStructure/labelValue``,
    /// painted in declaration order) and the volumes in cm³. Masks kept on the body box are placed
    /// back on the full slices here, once. With `threads` > 1 the masks are placed and slice ranges of
    /// the label map painted on that many threads (the same output).
    public func finish(state: SegmentationState, threads: Int = 1) -> SegmentationOutput {
        let crop = BodyCrop(scalars: state.decisions)
        let work = crop?.grid(grid) ?? grid
        let wanted = SegmentationStructure.allCases.filter(request.wants)
        let inputs = wanted.map { state.masks[$0.rawValue] ?? MaskVolume(grid: work) }
        let ranges = max(1, min(threads, work.nz))
        var labels = MaskVolume(grid: work)
        let placed = UnsafeMutableBufferPointer<MaskVolume?>.allocate(capacity: wanted.count)
        placed.initialize(repeating: nil)
        // Voxels of each structure (row) in each slice range (column).
        let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: wanted.count * ranges)
        counts.initialize(repeating: 0)
        defer {
            placed.deinitialize()
            placed.deallocate()
            counts.deallocate()
        }
        labels.withUnsafeMutableBufferPointer { l in
            // Tasks: place each mask on the full slices; paint the label map over one slice range.
            let tasks = wanted.count + ranges
            let run = { (task: Int) in
                if task < wanted.count {
                    placed[task] = crop?.uncrop(inputs[task], to: grid) ?? inputs[task]
                    return
                }
                let r = task - wanted.count
                let lower = work.nz * r / ranges * work.sliceCount, upper = work.nz * (r + 1) / ranges * work.sliceCount
                for (k, structure) in wanted.enumerated() {
                    let value = structure.labelValue
                    // One pass paints the label map and counts the mask's voxels (the volume).
                    counts[k * ranges + r] = inputs[k].withUnsafeBufferPointer { m in
                        var n = 0
                        var i = lower
                        while i < upper {
                            let on = m[i] != 0
                            l[i] = on ? value : l[i]
                            n &+= on ? 1 : 0
                            i &+= 1
                        }
                        return n
                    }
                }
            }
            Concurrent.forEach(tasks, threads: ranges, run)
        }
        var masks: [String: MaskVolume] = [:]
        var volumes: [String: Double] = [:]
        for (k, structure) in wanted.enumerated() {
            masks[structure.rawValue] = placed[k]!
            volumes[structure.rawValue] = Double(counts[(k * ranges)..<((k + 1) * ranges)].reduce(0, +)) * grid.voxelVolumeCC
        }
        return SegmentationOutput(masks: masks, labels: crop?.uncrop(labels, to: grid) ?? labels, volumesCC: volumes)
    }

    /// Segments `ct` in this process exactly as a scheduler does with `slabCount` slabs per local
    /// step: split balanced on ``sliceWork(_:)`` with the step's halo, ``slabInput(step:slab:state:)``, ``runLocal(step:input:)``,
    /// ``absorb(step:outputs:into:)``, ``runGlobal(step:state:)``, ``finish(state:)``.
    /// The result is identical for every `slabCount`.
    public static func run(ct: CTVolume, request: SegmentationRequest, slabCount: Int) throws -> SegmentationOutput {
        let pipeline = try SegmentationPipeline(request: request, grid: ct.grid)
        var state = SegmentationState(ct: ct)
        let work = slabCount > 1 ? pipeline.sliceWork(ct) : Array(repeating: 1, count: ct.grid.nz)
        for step in pipeline.steps {
            switch step {
            case .local(let id):
                let split = try pipeline.decomposition(step: id, parts: slabCount, sliceWork: work)
                let outputs = try split.slabs.map { slab in
                    try runLocal(step: id, input: try pipeline.slabInput(step: id, slab: slab, state: state))
                }
                try pipeline.absorb(step: id, outputs: outputs, into: &state)
            case .global(let id):
                try pipeline.runGlobal(step: id, state: &state)
            }
        }
        return pipeline.finish(state: state)
    }
}
