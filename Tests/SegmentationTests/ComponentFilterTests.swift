import Core
import Segmentation
import Testing

@Suite struct ComponentFilterTests {
    /// Three cubes of 27, 8 and 8 voxels and one single voxel on a 1 × 1 × 2 mm grid.
    static func cubes() -> MaskVolume {
        var m = MaskVolume(grid: Synthetic.grid(12, 6, 6, spacingMM: SIMD3(1, 1, 2)))
        for z in 0..<2 { for y in 0..<2 { for x in 0..<2 { m[x + 8, y, z] = 1; m[x + 4, y + 3, z + 3] = 1 } } }
        for z in 0..<3 { for y in 0..<3 { for x in 0..<3 { m[x, y + 2, z + 2] = 1 } } }
        m[11, 5, 5] = 1
        return m
    }

    static func sizes(_ mask: MaskVolume) throws -> [Int] {
        try ConnectedComponents.label(mask, connectivity: .six).components.map(\.voxelCount)
    }

    @Test func keepLargestAndKeepK() throws {
        let m = Self.cubes()
        #expect(try Self.sizes(m) == [8, 27, 8, 1])
        #expect(try Self.sizes(ComponentFilter.keepLargest(m, connectivity: .six)) == [27])
        // Ties (two 8-voxel cubes) go to the smaller label, i.e. the earlier cube in raster order.
        let two = try ComponentFilter.keepLargest(m, count: 2, connectivity: .six)
        #expect(try Self.sizes(two) == [8, 27])
        #expect(two[8, 0, 0] == 1 && two[4, 3, 3] == 0)
        #expect(try ComponentFilter.keepLargest(m, count: 10, connectivity: .six) == m)
        #expect(try ComponentFilter.keepLargest(m, count: 0, connectivity: .six) == MaskVolume(grid: m.grid))
        #expect(throws: SegmentationError.self) { try ComponentFilter.keepLargest(m, count: -1, connectivity: .six) }
    }

    @Test func removeSmallByVoxelsAndByVolume() throws {
        let m = Self.cubes()
        #expect(try Self.sizes(ComponentFilter.removeSmall(m, minVoxelCount: 8, connectivity: .six)) == [8, 27, 8])
        #expect(try Self.sizes(ComponentFilter.removeSmall(m, minVoxelCount: 9, connectivity: .six)) == [27])
        // Voxel volume 0.002 cm³: 8 voxels = 0.016 cm³.
        #expect(try Self.sizes(ComponentFilter.removeSmall(m, minVolumeCC: 0.016, connectivity: .six)) == [8, 27, 8])
        #expect(try Self.sizes(ComponentFilter.removeSmall(m, minVolumeCC: 0.017, connectivity: .six)) == [27])
        #expect(throws: SegmentationError.self) { try ComponentFilter.removeSmall(m, minVolumeCC: .nan, connectivity: .six) }
    }

    @Test func maskKeepsExactlyTheListedLabels() throws {
        let labels = try LabelVolume(grid: Synthetic.grid(6, 1, 1), voxels: [0, 1, 2, 3, 2, 9])
        #expect(ComponentFilter.mask(labels, keeping: [2, 9, -4]).voxels == [0, 0, 1, 0, 1, 1])
        #expect(ComponentFilter.mask(labels, keeping: []).voxels == [0, 0, 0, 0, 0, 0])
    }
}
