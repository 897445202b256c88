import Core

/// Trachea and main bronchi: pure-air voxels inside the body, 26-connected (oblique bronchi stay
/// joined on coarse grids), and the component that
/// enters through the top slice near the body's midline, is long enough along z and has not
/// leaked into the lungs (bounded volume).
enum AirwayRecipe {
    /// Top-slice cross-section of the trachea (mm²).
    static let topAreaRangeMM2 = 40.0...1200.0
    /// Largest distance of the top-slice cross-section from the body's midline (mm).
    static let midlineToleranceMM = 30.0
    /// Shortest extent along z (mm).
    static let minimumLengthMM = 50.0
    /// Largest airway volume; a larger component has leaked into the lungs (cm³).
    static let maximumVolumeCC = 400.0

    /// Pure-air voxels inside the body (core slices).
    static func candidates(_ ct: CTVolume, body: MaskVolume, _ request: SegmentationRequest) -> MaskVolume {
        MaskAlgebra.and(body, atMost: request.airThresholdHU, in: ct)
    }

    /// Class per global component (1 = airway): at most one component.
    /// - Parameters:
    ///   - topSlice: global labels of the top slice (`nx·ny`).
    static func select(_ components: [ComponentStatistics], topSlice: [Int32], grid: Grid, bodyCentreXMM: Double) -> [UInt8] {
        var area = [Int](repeating: 0, count: components.count + 1)
        var xSum = [Int](repeating: 0, count: components.count + 1)
        for (i, l) in topSlice.enumerated() where l > 0 {
            area[Int(l)] += 1
            xSum[Int(l)] += i % grid.nx
        }
        let pixelMM2 = grid.spacingMM.x * grid.spacingMM.y
        var best: (label: Int32, count: Int)?
        for c in components {
            let l = Int(c.label)
            guard area[l] > 0 else { continue }
            let xMM = grid.originMM.x + Double(xSum[l]) / Double(area[l]) * grid.spacingMM.x
            let lengthMM = Double(c.boundingBox.size.z) * grid.spacingMM.z
            guard topAreaRangeMM2.contains(Double(area[l]) * pixelMM2), abs(xMM - bodyCentreXMM) <= midlineToleranceMM,
                  lengthMM >= minimumLengthMM, c.volumeCC <= maximumVolumeCC else { continue }
            if best == nil || c.voxelCount > best!.count { best = (c.label, c.voxelCount) }
        }
        return components.map { $0.label == best?.label ? 1 : 0 }
    }
}
