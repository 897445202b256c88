import Core

/// Bones: cortical voxels plus bone-range voxels next to them, marrow holes filled slice by
/// slice (holes of low mean HU, such as the spinal canal, stay open), and only components holding
/// cortical bone kept (contrast-filled vessels have none).
enum BoneRecipe {
    /// Distance from cortical bone within which bone-range voxels join it (mm).
    static let nearCorticalMM = 4.0
    /// Slice holes of the bone mask with at least this mean HU are marrow and get filled.
    static let marrowMinimumHU = 100.0
    /// Smallest fraction of cortical voxels in a kept bone component.
    static let minimumCorticalFraction = 0.05

    /// Bone candidates of an extended slab and the cortical mask (exact on the core with the
    /// dilation halo).
    static func candidates(_ ct: CTVolume, _ request: SegmentationRequest) throws -> (bone: MaskVolume, cortical: MaskVolume) {
        let cortical = MaskAlgebra.atLeast(ct, request.corticalThresholdHU)
        let near = try Morphology.dilate(cortical, radiusMM: nearCorticalMM)
        let shell = MaskAlgebra.or(cortical, MaskAlgebra.and(MaskAlgebra.atLeast(ct, request.boneThresholdHU), near))
        let marrow = try SliceHoles.select(in: shell, ct: ct) { _, meanHU in meanHU >= marrowMinimumHU }
        return (MaskAlgebra.or(shell, marrow), cortical)
    }

    /// Class per global component (1 = bone): components with enough cortical voxels.
    static func select(_ components: [ComponentStatistics], corticalCounts: [Int64]) -> [UInt8] {
        zip(components, corticalCounts).map { c, cortical in
            cortical > 0 && Double(cortical) >= minimumCorticalFraction * Double(c.voxelCount) ? 1 : 0
        }
    }
}
