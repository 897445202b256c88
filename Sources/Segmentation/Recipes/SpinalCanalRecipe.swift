import Core

/// Spinal canal: the vertebral foramen, i.e. the slice holes of the bone mask (filled marrow
/// excluded, so the remaining holes hold soft tissue or CSF) of foramen size, kept as 3D
/// components near the body's midline.
enum SpinalCanalRecipe {
    /// Largest foramen cross-section (mm²).
    static let maximumAreaMM2 = 1000.0
    /// Largest distance of a canal component's centroid from the body's midline (mm).
    static let midlineToleranceMM = 25.0
    /// Smallest canal component (cm³).
    static let minimumVolumeCC = 0.2

    /// Foramen candidates of the core slices from the final bone mask.
    static func candidates(_ ct: CTVolume, bones: MaskVolume) throws -> MaskVolume {
        let pixelMM2 = bones.grid.spacingMM.x * bones.grid.spacingMM.y
        return try SliceHoles.select(in: bones, ct: ct) { count, _ in Double(count) * pixelMM2 <= maximumAreaMM2 }
    }

    /// Class per global component (1 = canal).
    static func select(_ components: [ComponentStatistics], bodyCentreXMM: Double) -> [UInt8] {
        components.map { abs($0.centroidMM.x - bodyCentreXMM) <= midlineToleranceMM && $0.volumeCC >= minimumVolumeCC ? 1 : 0 }
    }
}
