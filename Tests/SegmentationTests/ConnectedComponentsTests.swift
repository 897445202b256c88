import Core
import Segmentation
import Testing

@Suite struct ConnectedComponentsTests {
    static let densities = [0.05, 0.3, 0.5, 0.7]

    @Test(arguments: Connectivity.allCases)
    func labelsEqualRasterOrderFloodFill(connectivity: Connectivity) throws {
        for (k, density) in Self.densities.enumerated() {
            for seed in UInt64(1)...2 {
                let g = Synthetic.grid(20, 18, 16, spacingMM: Synthetic.spacings[k % 3])
                let mask = Synthetic.randomMask(g, density: density, seed: seed)
                let labelling = try ConnectedComponents.label(mask, connectivity: connectivity)
                #expect(labelling.labels.voxels == Synthetic.floodLabels(mask, connectivity: connectivity),
                        "density \(density), seed \(seed)")
            }
        }
    }

    @Test(arguments: Connectivity.allCases)
    func statisticsMatchDirectSums(connectivity: Connectivity) throws {
        let g = Synthetic.grid(20, 18, 16, spacingMM: SIMD3(0.98, 0.98, 2.5))
        let mask = Synthetic.blobMask(g, count: 7, seed: 8)
        let labelling = try ConnectedComponents.label(mask, connectivity: connectivity)
        let labels = labelling.labels
        #expect(labelling.components.map(\.label) == Array(1...Int32(labelling.components.count)))
        for c in labelling.components {
            var count = 0
            var sum = SIMD3<Double>.zero
            var lo = SIMD3(Int.max, Int.max, Int.max), hi = SIMD3(Int.min, Int.min, Int.min)
            for z in 0..<g.nz { for y in 0..<g.ny { for x in 0..<g.nx where labels[x, y, z] == c.label {
                count += 1
                sum += g.position(x, y, z)
                lo = pointwiseMin(lo, SIMD3(x, y, z)); hi = pointwiseMax(hi, SIMD3(x, y, z))
            } } }
            #expect(c.voxelCount == count)
            #expect(abs(c.volumeCC - Double(count) * 0.98 * 0.98 * 2.5 / 1000) <= 1e-12)
            #expect(c.boundingBox == VoxelBox(lower: lo, upper: hi))
            // Centroid from integer index sums vs summed positions: equal within 1e-9 mm.
            let centroid = sum / Double(count)
            #expect(((c.centroidMM - centroid) * (c.centroidMM - centroid)).sum().squareRoot() <= 1e-9)
            var faces: VolumeFaces = []
            if lo.x == 0 { faces.insert(.xMin) }; if hi.x == g.nx - 1 { faces.insert(.xMax) }
            if lo.y == 0 { faces.insert(.yMin) }; if hi.y == g.ny - 1 { faces.insert(.yMax) }
            if lo.z == 0 { faces.insert(.zMin) }; if hi.z == g.nz - 1 { faces.insert(.zMax) }
            #expect(c.touchedFaces == faces)
        }
    }

    @Test func diagonalNeighboursJoinOnlyWith26Connectivity() throws {
        var mask = MaskVolume(grid: Synthetic.grid(4, 4, 4))
        mask[1, 1, 1] = 1
        mask[2, 2, 2] = 1  // corner neighbour
        mask[3, 0, 0] = 1  // two voxels from both
        let six = try ConnectedComponents.label(mask, connectivity: .six)
        let twentySix = try ConnectedComponents.label(mask, connectivity: .twentySix)
        #expect(six.components.count == 3)
        #expect(twentySix.components.count == 2)
        // (3, 0, 0) comes first in z-major raster order, so it is label 1.
        #expect(twentySix.labels[3, 0, 0] == 1 && twentySix.labels[1, 1, 1] == 2 && twentySix.labels[2, 2, 2] == 2)
        #expect(twentySix.components[0].touchedFaces == [.xMax, .yMin, .zMin])
        #expect(twentySix.components[1].touchedFaces.isEmpty)
    }

    @Test func emptyAndFullMasks() throws {
        let g = Synthetic.grid(5, 4, 3)
        #expect(try ConnectedComponents.label(MaskVolume(grid: g), connectivity: .six).components.isEmpty)
        let full = try ConnectedComponents.label(MaskVolume(grid: g, repeating: 1), connectivity: .six)
        #expect(full.components.count == 1)
        #expect(full.components[0].voxelCount == 60)
        #expect(full.components[0].touchedFaces == .all)
        #expect(full.labels.voxels.allSatisfy { $0 == 1 })
    }
}
