import Core

/// External contour: threshold, an opening that cuts the couch, thin pads and their links,
/// components kept from their global statistics, then the opened parts restored and the
/// internal air filled slice by slice.
enum BodyRecipe {
    /// Opened body-threshold mask of an extended slab (slices `extended` of `ct`) on its slices `core`
    /// (counted from the extended slab's first slice; exact there with the opening's halo). Where the
    /// extended slab is the scan's first (`continuingBelow`) or last slice (`continuingAbove`), the
    /// patient is taken to continue as that slice: a scan shorter than the opening ball (a few slices)
    /// is not eroded away from its ends, and the ends are opened like any other slice.
    static func candidates(_ ct: CTVolume, extended: Range<Int>, core: Range<Int>, continuingBelow: Bool, continuingAbove: Bool,
                           _ request: SegmentationRequest) throws -> MaskVolume {
        try Morphology.open(MaskAlgebra.atLeast(ct, request.bodyThresholdHU, slices: extended), radiusMM: request.bodyOpeningRadiusMM,
                            slices: core, continuingBelow: continuingBelow, continuingAbove: continuingAbove)
    }

    /// Class per global component (1 = body): components of at least `bodyMinimumFraction` of the
    /// largest one whose centroid is not posterior to the largest one's posterior edge (a couch or
    /// table under the patient is).
    static func select(_ components: [ComponentStatistics], grid: Grid, _ request: SegmentationRequest) -> [UInt8] {
        guard let largest = components.max(by: { ($0.voxelCount, -$0.label) < ($1.voxelCount, -$1.label) }) else { return [] }
        let backMM = grid.originMM.y + Double(largest.boundingBox.upper.y) * grid.spacingMM.y
        let minimum = Double(largest.voxelCount) * request.bodyMinimumFraction
        return components.map { c in
            Double(c.voxelCount) >= minimum && c.centroidMM.y <= backMM ? 1 : 0
        }
    }

    /// The body on slices `core` of an extended slab from the kept opened components (`kept`,
    /// extended): threshold voxels (`coreCT`, the CT of those slices) within the opening radius of
    /// them, internal air filled in each slice.
    static func mask(coreCT: CTVolume, kept: MaskVolume, core: Range<Int>, _ request: SegmentationRequest) throws -> MaskVolume {
        let near = try Morphology.dilate(kept, radiusMM: request.bodyOpeningRadiusMM, slices: core)
        return try HoleFilling.fill2D(MaskAlgebra.and(near, atLeast: request.bodyThresholdHU, in: coreCT))
    }
}
