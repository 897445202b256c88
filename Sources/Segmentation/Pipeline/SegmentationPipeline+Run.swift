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
    /// contiguous slice range and, structure by structure and piece by piece, paints the range's mask into the
    /// label map and counts its voxels: the same output for any `threads`.
    public func finishBoxed(state: SegmentationState, threads: Int = 1) -> BoxedSegmentationOutput {
        let crop = BodyCrop(scalars: state.decisions)
        let work = crop?.grid(grid) ?? grid
        let columns = crop.map { $0.lowerX..<($0.upperX + 1) } ?? 0..<grid.nx
        let rows = crop.map { $0.lowerY..<($0.upperY + 1) } ?? 0..<grid.ny
        let wanted = SegmentationStructure.allCases.filter(request.wants)
        let inputs = wanted.map { state.masks[$0.rawValue] ?? SlabPieces(MaskVolume(grid: work)) }
        let ranges = max(1, min(threads, grid.nz))
        // Voxels of each structure (row) in each slice range (column).
        let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: wanted.count * ranges)
        counts.initialize(repeating: 0)
        defer { counts.deallocate() }
        var labels = MaskVolume(grid: work)
        // Every piece of every mask, flattened: piece j of structure k is entry offsets[k] + j.
        let pieces = inputs.flatMap(\.pieces)
        let offsets = inputs.reduce(into: [0]) { $0.append($0.last! + $1.pieces.count) }
        Self.withBases(pieces.map(\.volume)[...]) { bases in
            labels.withUnsafeMutableBufferPointer { l in
                Concurrent.forEach(ranges, threads: ranges) { r in
                    // Local copies: stores through the byte pointers could alias the closure's captures,
                    // which would then be reloaded in every iteration of the loop below.
                    let labelMap = l.baseAddress!, counts = counts
                    let z0 = grid.nz * r / ranges, z1 = grid.nz * (r + 1) / ranges
                    for (k, structure) in wanted.enumerated() {
                        let value = structure.labelValue
                        var n = 0
                        for j in offsets[k]..<offsets[k + 1] {
                            let a = max(z0, pieces[j].first), b = min(z1, pieces[j].first + pieces[j].volume.grid.nz)
                            guard a < b else { continue }
                            // Slices a..<b of the mask (in the piece) and of the label map.
                            let m = bases[j] + (a &- pieces[j].first) &* work.sliceCount, paint = labelMap + a &* work.sliceCount
                            // One pass paints the label map and counts the mask's voxels (the volume).
                            var i = 0
                            let upper = (b &- a) &* work.sliceCount
                            while i < upper {
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
        let boxed = { (pieces: [BoxedVolume<UInt8>.Piece]) in try! BoxedVolume(grid: grid, columns: columns, rows: rows, pieces: pieces) }
        var masks: [String: BoxedVolume<UInt8>] = [:]
        var volumes: [String: Double] = [:]
        for (k, structure) in wanted.enumerated() {
            masks[structure.rawValue] = boxed(inputs[k].pieces.map { BoxedVolume.Piece(first: $0.first, voxels: $0.volume.voxels) })
            volumes[structure.rawValue] = Double(counts[(k * ranges)..<((k + 1) * ranges)].reduce(0, +)) * grid.voxelVolumeCC
        }
        return BoxedSegmentationOutput(masks: masks, labels: boxed([BoxedVolume.Piece(first: 0, voxels: labels.voxels)]), volumesCC: volumes)
    }

    /// Calls `body` with the storage bases of `volumes` (valid during the call).
    private static func withBases(_ volumes: ArraySlice<MaskVolume>, _ body: ([UnsafePointer<UInt8>]) -> Void,
                                  bases: [UnsafePointer<UInt8>] = []) {
        guard let first = volumes.first else { return body(bases) }
        first.withUnsafeBufferPointer { withBases(volumes.dropFirst(), body, bases: bases + [$0.baseAddress!]) }
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
