import Core

/// Bones: cortical voxels, bone-range voxels next to them and cancellous-range voxels within the
/// reach of a vertebral body's cortex, the cortical ring closed per slice, marrow holes filled slice
/// by slice (holes of low mean HU, such as the spinal canal, stay open), and only components holding
/// cortical bone kept (contrast-filled vessels have none).
enum BoneRecipe {
    /// Distance from cortical bone within which bone-range voxels join it: 4 mm, at least 1.5
    /// in-plane voxels so that the join reaches the neighbouring voxels on coarse grids (mm).
    static func nearCorticalMM(_ spacingMM: SIMD3<Double>) -> Double { max(4, 1.5 * max(spacingMM.x, spacingMM.y)) }
    /// Cancellous bone (vertebral bodies: 150–250 HU on contrast CT, above contrast blood's
    /// typical ~150 HU and liver's ~100 HU) joins from this HU…
    static let cancellousMinimumHU = 200.0
    /// …within this distance of cortical bone (half a lumbar vertebral body's width, mm).
    static let cancellousReachMM = 12.0
    /// Radius of the per-slice closing that bridges gaps in thin or partial-volume cortex (mm).
    static let ringClosingMM = 3.0
    /// Slice holes of the bone mask with at least this mean HU are marrow and get filled.
    static let marrowMinimumHU = 100.0
    /// Smallest fraction of cortical voxels in a kept bone component.
    static let minimumCorticalFraction = 0.05

    /// Bone candidates and the cortical mask on slices `core` of an extended slab (`coreCT`, the CT
    /// of those slices; exact there with ``haloSlices(spacingMM:)``): the dilations read the extended
    /// slab, everything after them (per voxel or per slice) runs on the core only.
    static func candidates(_ ct: CTVolume, coreCT: CTVolume, core: Range<Int>, _ request: SegmentationRequest) throws -> (bone: MaskVolume, cortical: MaskVolume) {
        let cortical = MaskAlgebra.atLeast(ct, request.corticalThresholdHU)
        let near = try Morphology.dilate(cortical, radiusMM: nearCorticalMM(ct.grid.spacingMM), slices: core)
        let reach = try Morphology.dilate(cortical, radiusMM: cancellousReach(ct.grid.spacingMM), slices: core)
        let coreCortical = MaskAlgebra.core(cortical, offset: core.lowerBound, count: core.count)
        // cortical ∪ (bone range ∩ near) ∪ (cancellous range ∩ reach), fused into one volume.
        let boneRangeHU = min(request.boneThresholdHU, marrowMinimumHU + 20)
        var seed = MaskAlgebra.and(near, atLeast: boneRangeHU, in: coreCT)
        MaskAlgebra.formUnion(&seed, reach, atLeast: max(cancellousMinimumHU, boneRangeHU), in: coreCT)
        MaskAlgebra.formUnion(&seed, coreCortical)
        var shell = try Morphology.closeSlices(seed, radiusMM: ringClosingMM)
        let marrow = try SliceHoles.select(in: shell, ct: coreCT) { _, meanHU in meanHU >= marrowMinimumHU }
        MaskAlgebra.formUnion(&shell, marrow)
        return (shell, coreCortical)
    }

    /// Reach of cancellous bone from cortex: ``cancellousReachMM``, at least the join distance.
    static func cancellousReach(_ spacingMM: SIMD3<Double>) -> Double { max(cancellousReachMM, nearCorticalMM(spacingMM)) }

    /// Halo that makes ``candidates(_:_:)`` exact on a slab's core: the reach dilation (closing and
    /// hole filling are per slice).
    static func haloSlices(spacingMM: SIMD3<Double>) throws -> Int {
        try Morphology.haloSlices(for: .dilate, radiusMM: cancellousReach(spacingMM), spacingMM: spacingMM)
    }

    /// Class per global component (1 = bone): components with enough cortical voxels.
    static func select(_ components: [ComponentStatistics], corticalCounts: [Int64]) -> [UInt8] {
        zip(components, corticalCounts).map { c, cortical in
            cortical > 0 && Double(cortical) >= minimumCorticalFraction * Double(c.voxelCount) ? 1 : 0
        }
    }
}
