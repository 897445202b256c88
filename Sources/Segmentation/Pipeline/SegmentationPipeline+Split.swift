import Core

extension SegmentationPipeline {
    /// Work of each slice of `ct` for a balanced slab split (``decomposition(step:parts:sliceWork:halo:)``),
    /// from one pass over the CT: in each row, the voxels from the first to the last voxel at or above
    /// the body threshold (the body filled along the row: lungs and bowel gas count, as the recipes
    /// work on them; couch and arms count too), plus 1/16 of the slice for the passes over whole slices
    /// (thresholds, crops, boxes). Depends only on the CT and the request; slices are shared among up
    /// to `threads` threads (the same result for any count).
    public func sliceWork(_ ct: CTVolume, threads: Int = 1) -> [Int64] {
        Self.sliceWork(ct, bodyThresholdHU: request.bodyThresholdHU, slices: 0..<ct.grid.nz, threads: threads)
    }

    /// ``sliceWork(_:threads:)`` of slices `slices` of `ct` alone (a slab's core reports its own part).
    static func sliceWork(_ ct: CTVolume, bodyThresholdHU: Double, slices range: Range<Int>, threads: Int = 1) -> [Int64] {
        let g = ct.grid
        let nx = g.nx, ny = g.ny
        let floor = Int64(max(1, g.sliceCount / 16))
        let lowest = bodyThresholdHU.rounded(.up)
        // No voxel reaches a threshold above Int16's range; every voxel reaches one below it.
        guard lowest <= Double(Int16.max) else { return Array(repeating: floor, count: range.count) }
        let t = Int16(max(lowest, Double(Int16.min)))
        let wide = SIMD32<Int16>(repeating: t)
        return ct.withUnsafeBufferPointer { v in
            [Int64](unsafeUninitializedCapacity: range.count) { slices, count in
                let slices = slices
                Concurrent.forEach(range.count, threads: threads) { i in
                    let z = range.lowerBound &+ i
                    var work = floor
                    for y in 0..<ny {
                        let row = v.baseAddress! + (z &* ny &+ y) &* nx
                        // 32 voxels at a time while none reaches the threshold, then voxel by voxel.
                        var first = 0
                        while first &+ 32 <= nx, !any(UnsafeRawPointer(row + first).loadUnaligned(as: SIMD32<Int16>.self) .>= wide) { first &+= 32 }
                        while first < nx && row[first] < t { first &+= 1 }
                        guard first < nx else { continue }
                        var last = nx &- 1
                        while last &- 31 > first, !any(UnsafeRawPointer(row + (last &- 31)).loadUnaligned(as: SIMD32<Int16>.self) .>= wide) { last &-= 32 }
                        while row[last] < t { last &-= 1 }
                        work &+= Int64(last &- first &+ 1)
                    }
                    slices[i] = work
                }
                count = range.count
            }
        }
    }

    /// The slabs of local step `step`: `parts` slabs (clamped to the slice count) of about equal
    /// `sliceWork` (``sliceWork(_:)``; ``SlabDecomposition/init(nz:parts:halo:sliceWeights:)``) with
    /// `halo` halo slices (default: ``haloSlices(forStep:)``). The pipeline's result does not depend on
    /// the split; the split depends only on the CT, the request and `parts`, never on the number of ranks.
    public func decomposition(step: LocalStepID, parts: Int, sliceWork: [Int64], halo: Int? = nil) throws -> SlabDecomposition {
        try SlabDecomposition(nz: grid.nz, parts: parts, halo: halo ?? haloSlices(forStep: step), sliceWeights: sliceWork)
    }
}
