import Core

extension SegmentationPipeline {
    /// The final masks of the requested structures, the label map (``SegmentationStructure/labelValue``,
    /// painted in declaration order) and the volumes in cm³. Masks kept on the body box are placed
    /// back on the full slices here, once.
    public func finish(state: SegmentationState) -> SegmentationOutput {
        let crop = BodyCrop(scalars: state.decisions)
        let work = crop?.grid(grid) ?? grid
        var masks: [String: MaskVolume] = [:]
        var volumes: [String: Double] = [:]
        var labels = MaskVolume(grid: work)
        for structure in SegmentationStructure.allCases where request.wants(structure) {
            let mask = state.masks[structure.rawValue] ?? MaskVolume(grid: work)
            masks[structure.rawValue] = crop?.uncrop(mask, to: grid) ?? mask
            let value = structure.labelValue
            // One pass paints the label map and counts the mask's voxels (the volume).
            let count = mask.withUnsafeBufferPointer { m in
                labels.withUnsafeMutableBufferPointer { l in
                    var n = 0
                    var i = 0
                    while i < m.count {
                        let on = m[i] != 0
                        l[i] = on ? value : l[i]
                        n &+= on ? 1 : 0
                        i &+= 1
                    }
                    return n
                }
            }
            volumes[structure.rawValue] = Double(count) * grid.voxelVolumeCC
        }
        return SegmentationOutput(masks: masks, labels: crop?.uncrop(labels, to: grid) ?? labels, volumesCC: volumes)
    }

    /// Segments `ct` in this process exactly as a scheduler does with `slabCount` slabs per local
    /// step: split with the step's halo, ``slabInput(step:slab:state:)``, ``runLocal(step:input:)``,
    /// ``absorb(step:outputs:into:)``, ``runGlobal(step:state:)``, ``finish(state:)``.
    /// The result is identical for every `slabCount`.
    public static func run(ct: CTVolume, request: SegmentationRequest, slabCount: Int) throws -> SegmentationOutput {
        let pipeline = try SegmentationPipeline(request: request, grid: ct.grid)
        var state = SegmentationState(ct: ct)
        for step in pipeline.steps {
            switch step {
            case .local(let id):
                let split = try SlabDecomposition(nz: ct.grid.nz, parts: slabCount, halo: pipeline.haloSlices(forStep: id))
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
