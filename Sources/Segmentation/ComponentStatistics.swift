import Core

/// Size and position of one connected component.
public struct ComponentStatistics: Sendable, Hashable, Codable {
    /// The component's label (1, 2, … in raster order of the component's first voxel).
    public let label: Int32
    /// Number of voxels.
    public let voxelCount: Int
    /// Volume in cm³ (`voxelCount × voxel volume`).
    public let volumeCC: Double
    /// Smallest box of voxel indices containing the component.
    public let boundingBox: VoxelBox
    /// Mean position of the voxel centres in mm (LPS): `origin + (Σ index / count) × spacing`.
    public let centroidMM: SIMD3<Double>
    /// Faces of the volume the component touches (derived from the bounding box).
    public let touchedFaces: VolumeFaces

    /// Statistics of component `index` (0-based) of `sums` on `grid`, labelled `index + 1`.
    init(index: Int, sums: ComponentSums, grid: Grid) {
        let count = sums.voxelCounts[index]
        label = Int32(index + 1)
        voxelCount = Int(count)
        volumeCC = Double(count) * grid.voxelVolumeCC
        let b = sums.boundingBoxes[(6 * index)..<(6 * index + 6)].map(Int.init)
        boundingBox = VoxelBox(lower: SIMD3(b[0], b[1], b[2]), upper: SIMD3(b[3], b[4], b[5]))
        let s = SIMD3(Double(sums.indexSums[3 * index]), Double(sums.indexSums[3 * index + 1]), Double(sums.indexSums[3 * index + 2]))
        centroidMM = grid.originMM + (s / Double(count)) * grid.spacingMM
        var faces: VolumeFaces = []
        if b[0] == 0 { faces.insert(.xMin) }
        if b[3] == grid.nx - 1 { faces.insert(.xMax) }
        if b[1] == 0 { faces.insert(.yMin) }
        if b[4] == grid.ny - 1 { faces.insert(.yMax) }
        if b[2] == 0 { faces.insert(.zMin) }
        if b[5] == grid.nz - 1 { faces.insert(.zMax) }
        touchedFaces = faces
    }

    /// Statistics of every component of `sums` on `grid`.
    static func all(_ sums: ComponentSums, grid: Grid) -> [ComponentStatistics] {
        (0..<sums.componentCount).map { ComponentStatistics(index: $0, sums: sums, grid: grid) }
    }
}
