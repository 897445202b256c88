import Core

extension SegmentationPipeline {
    /// The final masks of the requested structures, the label map (``SegmentationStructure/labelValue``,
    /// painted in declaration order) and the volumes in cm³. Masks kept on the body box are placed
    /// back on the full slices here, once. Each of up to `threads` threads takes a contiguous slice
    /// range and, structure by structure, places the range's mask and paints it into the label map
    /// (the mask read twice while in cache), then places the range's label map: the same output for
    /// any `threads`.
    public func finish(state: SegmentationState, threads: Int = 1) -> SegmentationOutput {
        let crop = BodyCrop(scalars: state.decisions)
        let work = crop?.grid(grid) ?? grid
        let wanted = SegmentationStructure.allCases.filter(request.wants)
        let inputs = wanted.map { state.masks[$0.rawValue] ?? MaskVolume(grid: work) }
        let ranges = max(1, min(threads, grid.nz))
        // Volumes written on the full slices: each mask and the label map, unless there is no box.
        let placed = crop == nil ? 0 : wanted.count + 1
        // Voxels of each structure (row) in each slice range (column).
        let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: wanted.count * ranges)
        counts.initialize(repeating: 0)
        defer { counts.deallocate() }
        var labels = MaskVolume(grid: work)
        let full = Self.uninitialized(placed, count: grid.voxelCount) { out in
            Self.withBases(inputs[...]) { masks in
                labels.withUnsafeMutableBufferPointer { l in
                    Concurrent.forEach(ranges, threads: ranges) { r in
                        // Local copies: stores through the byte pointers could alias the closure's captures,
                        // which would then be reloaded in every iteration of the loop below.
                        let labelMap = l.baseAddress!, counts = counts
                        let z0 = grid.nz * r / ranges, z1 = grid.nz * (r + 1) / ranges
                        let lower = z0 * work.sliceCount, upper = z1 * work.sliceCount, target = z0 * grid.sliceCount
                        let slab = grid.slab(z0..<z1)
                        let box = crop.map { VoxelBox(lower: SIMD3($0.lowerX, $0.lowerY, 0), upper: SIMD3($0.upperX, $0.upperY, z1 - z0 - 1)) }
                        for (k, structure) in wanted.enumerated() {
                            let m = masks[k], value = structure.labelValue
                            if let box { ForegroundBox.place(m + lower, box: box, on: slab, into: out[k] + target) }
                            // One pass paints the label map and counts the mask's voxels (the volume).
                            var n = 0
                            var i = lower
                            while i < upper {
                                let on = m[i] != 0
                                labelMap[i] = on ? value : labelMap[i]
                                n &+= on ? 1 : 0
                                i &+= 1
                            }
                            counts[k &* ranges &+ r] = n
                        }
                        if let box { ForegroundBox.place(UnsafePointer(labelMap + lower), box: box, on: slab, into: out[wanted.count] + target) }
                    }
                }
            }
        }
        var masks: [String: MaskVolume] = [:]
        var volumes: [String: Double] = [:]
        for (k, structure) in wanted.enumerated() {
            masks[structure.rawValue] = placed > 0 ? try! MaskVolume(grid: grid, voxels: full[k]) : inputs[k]
            volumes[structure.rawValue] = Double(counts[(k * ranges)..<((k + 1) * ranges)].reduce(0, +)) * grid.voxelVolumeCC
        }
        return SegmentationOutput(masks: masks, labels: placed > 0 ? try! MaskVolume(grid: grid, voxels: full[wanted.count]) : labels,
                                  volumesCC: volumes)
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
