import Core

extension SegmentationPipeline {
    /// The final masks of the requested structures, the label map (``SegmentationStructure/labelValue``,
    /// painted in declaration order) and the volumes in cm³. Masks kept on the body box are placed
    /// back on the full slices here, once, read straight from the slabs' pieces. Each of up to
    /// `threads` threads takes a contiguous slice range and, structure by structure and piece by
    /// piece, places the range's mask and paints it into the label map (the mask read twice while in
    /// cache), then places the range's label map: the same output for any `threads`.
    public func finish(state: SegmentationState, threads: Int = 1) -> SegmentationOutput {
        let crop = BodyCrop(scalars: state.decisions)
        let work = crop?.grid(grid) ?? grid
        let wanted = SegmentationStructure.allCases.filter(request.wants)
        let inputs = wanted.map { state.masks[$0.rawValue] ?? SlabPieces(MaskVolume(grid: work)) }
        // Without a box the masks are the work volumes themselves (assembled from their pieces).
        guard let crop else {
            var labels = MaskVolume(grid: work)
            var masks: [String: MaskVolume] = [:]
            var volumes: [String: Double] = [:]
            for (structure, pieces) in zip(wanted, inputs) {
                let m = pieces.slices(0..<grid.nz, on: work)
                var n = 0
                m.withUnsafeBufferPointer { src in
                    labels.withUnsafeMutableBufferPointer { l in
                        for i in 0..<src.count where src[i] != 0 { l[i] = structure.labelValue; n &+= 1 }
                    }
                }
                masks[structure.rawValue] = m
                volumes[structure.rawValue] = Double(n) * grid.voxelVolumeCC
            }
            return SegmentationOutput(masks: masks, labels: labels, volumesCC: volumes)
        }
        let ranges = max(1, min(threads, grid.nz))
        // Voxels of each structure (row) in each slice range (column).
        let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: wanted.count * ranges)
        counts.initialize(repeating: 0)
        defer { counts.deallocate() }
        var labels = MaskVolume(grid: work)
        // Every piece of every mask, flattened: piece j of structure k is entry offsets[k] + j.
        let pieces = inputs.flatMap(\.pieces)
        let offsets = inputs.reduce(into: [0]) { $0.append($0.last! + $1.pieces.count) }
        let full = Self.uninitialized(wanted.count + 1, count: grid.voxelCount) { out in
            Self.withBases(pieces.map(\.volume)[...]) { bases in
                labels.withUnsafeMutableBufferPointer { l in
                    Concurrent.forEach(ranges, threads: ranges) { r in
                        // Local copies: stores through the byte pointers could alias the closure's captures,
                        // which would then be reloaded in every iteration of the loop below.
                        let labelMap = l.baseAddress!, counts = counts
                        let z0 = grid.nz * r / ranges, z1 = grid.nz * (r + 1) / ranges
                        let box = { (slices: Int) in VoxelBox(lower: SIMD3(crop.lowerX, crop.lowerY, 0), upper: SIMD3(crop.upperX, crop.upperY, slices - 1)) }
                        for (k, structure) in wanted.enumerated() {
                            let value = structure.labelValue
                            var n = 0
                            for j in offsets[k]..<offsets[k + 1] {
                                let a = max(z0, pieces[j].first), b = min(z1, pieces[j].first + pieces[j].volume.grid.nz)
                                guard a < b else { continue }
                                // Slices a..<b of the mask (in the piece) and of the label map.
                                let m = bases[j] + (a &- pieces[j].first) &* work.sliceCount, paint = labelMap + a &* work.sliceCount
                                ForegroundBox.place(m, box: box(b - a), on: grid.slab(a..<b), into: out[k] + a &* grid.sliceCount)
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
                        ForegroundBox.place(UnsafePointer(labelMap + z0 &* work.sliceCount), box: box(z1 - z0), on: grid.slab(z0..<z1),
                                            into: out[wanted.count] + z0 &* grid.sliceCount)
                    }
                }
            }
        }
        var masks: [String: MaskVolume] = [:]
        var volumes: [String: Double] = [:]
        for (k, structure) in wanted.enumerated() {
            masks[structure.rawValue] = try! MaskVolume(grid: grid, voxels: full[k])
            volumes[structure.rawValue] = Double(counts[(k * ranges)..<((k + 1) * ranges)].reduce(0, +)) * grid.voxelVolumeCC
        }
        return SegmentationOutput(masks: masks, labels: try! MaskVolume(grid: grid, voxels: full[wanted.count]), volumesCC: volumes)
    }

    /// `count` arrays of `elements` uninitialised bytes that `body` writes completely (it gets their bases).
    private static func uninitialized(_ count: Int, count elements: Int, _ body: ([UnsafeMutablePointer<UInt8>]) -> Void,
                                      bases: [UnsafeMutablePointer<UInt8>] = []) -> [[UInt8]] {
        guard bases.count < count else {
            body(bases)
            return []
        }
        var rest: [[UInt8]] = []
        let first = [UInt8](unsafeUninitializedCapacity: elements) { buffer, initialized in
            rest = uninitialized(count, count: elements, body, bases: bases + [buffer.baseAddress!])
            initialized = elements
        }
        return [first] + rest
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
