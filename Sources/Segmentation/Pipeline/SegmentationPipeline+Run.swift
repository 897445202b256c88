import Core

extension SegmentationPipeline {
    /// The final masks of the requested structures, the label map (``SegmentationStructure/labelValue``,
    /// painted in declaration order) and the volumes in cm³, on the full grid: ``finishBoxed(state:threads:)``
    /// placed on the full slices on up to `threads` threads (the same output for any `threads`).
    public func finish(state: SegmentationState, threads: Int = 1) -> SegmentationOutput {
        finishBoxed(state: state, threads: threads).placed(threads: threads)
    }

    /// ``finish(state:threads:)`` without placing anything on the full grid: the masks stay the slabs' pieces on
    /// the body box (no copy), and only the label map is made, on the box. Each of up to `threads` threads takes a
    /// contiguous slice range and, structure by structure and slice by slice, paints the range's mask into the
    /// label map and counts its voxels: the same output for any `threads`.
    public func finishBoxed(state: SegmentationState, threads: Int = 1) -> BoxedSegmentationOutput {
        let crop = BodyCrop(scalars: state.decisions)
        let columns = crop?.columns ?? 0..<grid.nx, rows = crop?.rows ?? 0..<grid.ny
        let slice = columns.count * rows.count
        let boxed = { (voxels: [UInt8]) in try! BoxedVolume(grid: grid, columns: columns, rows: rows, pieces: [.init(first: 0, voxels: voxels)]) }
        let wanted = SegmentationStructure.allCases.filter(request.wants)
        let masks = wanted.map { state.masks[$0.rawValue] ?? boxed([UInt8](repeating: 0, count: slice * grid.nz)) }
        precondition(masks.allSatisfy { $0.columns == columns && $0.rows == rows }, "a mask is not on the body box")
        let ranges = max(1, min(threads, grid.nz))
        // Voxels of each structure (row) in each slice range (column).
        let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: wanted.count * ranges)
        counts.initialize(repeating: 0)
        defer { counts.deallocate() }
        var labels = [UInt8](repeating: 0, count: slice * grid.nz)
        BoxedVolume.withSlicePointers(masks) { slices in
            labels.withUnsafeMutableBufferPointer { l in
                Concurrent.forEach(ranges, threads: ranges) { r in
                    // Local copies: stores through the byte pointers could alias the closure's captures,
                    // which would then be reloaded in every iteration of the loop below.
                    let labelMap = l.baseAddress!, counts = counts
                    let z0 = grid.nz * r / ranges, z1 = grid.nz * (r + 1) / ranges
                    for (k, structure) in wanted.enumerated() {
                        let value = structure.labelValue
                        var n = 0
                        for z in z0..<z1 {
                            // One pass over slice z paints the label map and counts the mask's voxels (the volume).
                            let m = slices[k][z], paint = labelMap + z &* slice
                            var i = 0
                            while i < slice {
                                let on = m[i] != 0
                                paint[i] = on ? value : paint[i]
                                n &+= on ? 1 : 0
                                i &+= 1
                            }
                        }
                        counts[k &* ranges &+ r] = n
                    }
                }
            }
        }
        var volumes: [String: Double] = [:]
        for (k, structure) in wanted.enumerated() {
            volumes[structure.rawValue] = Double(counts[(k * ranges)..<((k + 1) * ranges)].reduce(0, +)) * grid.voxelVolumeCC
        }
        return BoxedSegmentationOutput(masks: Dictionary(uniqueKeysWithValues: zip(wanted.map(\.rawValue), masks)),
                                       labels: boxed(labels), volumesCC: volumes)
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
