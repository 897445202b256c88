import Core
import Segmentation
import Testing

@Suite struct DistributedLabellingTests {
    /// Labels `mask` slab by slab through the three-step protocol and reassembles the labels.
    static func distributed(_ mask: MaskVolume, parts: Int, halo: Int, connectivity: Connectivity) throws -> (LabelVolume, [ComponentStatistics]) {
        let decomposition = try SlabDecomposition(nz: mask.grid.nz, parts: parts, halo: halo)
        let local = try decomposition.slabs.map {
            try DistributedLabelling.labelSlab(decomposition.extract($0, from: mask), slab: $0, connectivity: connectivity)
        }
        let merge = try DistributedLabelling.merge(local.map(\.summary), grid: mask.grid, connectivity: connectivity)
        var labels = LabelVolume(grid: mask.grid)
        for (slab, part) in zip(decomposition.slabs, local) {
            let global = try DistributedLabelling.relabel(part.labels, with: merge.relabelTables[slab.index])
            labels.replaceSlices(from: slab.core.lowerBound, with: global.voxels[...])
        }
        return (labels, merge.components)
    }

    @Test(arguments: Connectivity.allCases)
    func identicalToSingleVolumeForAnySlabCount(connectivity: Connectivity) throws {
        let g = Synthetic.grid(20, 18, 16, spacingMM: SIMD3(0.98, 0.98, 2.5))
        var checked = 0
        for density in [0.05, 0.3, 0.5, 0.7] {
            for seed in UInt64(1)...3 {
                let mask = Synthetic.randomMask(g, density: density, seed: seed)
                let single = try ConnectedComponents.label(mask, connectivity: connectivity)
                for parts in [1, 2, 3, 4, 7] {
                    let (labels, components) = try Self.distributed(mask, parts: parts, halo: parts % 2, connectivity: connectivity)
                    #expect(labels == single.labels, "density \(density), seed \(seed), \(parts) slabs")
                    #expect(components == single.components, "density \(density), seed \(seed), \(parts) slabs")
                    checked += 1
                }
            }
        }
        #expect(checked == 60)
    }

    @Test func componentsSpanningManySlabsMergeThroughDiagonalSteps() throws {
        // A staircase rising one voxel in x per slice: one component with 26-connectivity, nz with 6.
        let g = Synthetic.grid(12, 3, 10)
        var mask = MaskVolume(grid: g)
        for z in 0..<10 { mask[z + 1, 1, z] = 1 }
        for connectivity in Connectivity.allCases {
            let single = try ConnectedComponents.label(mask, connectivity: connectivity)
            let (labels, components) = try Self.distributed(mask, parts: 10, halo: 0, connectivity: connectivity)
            #expect(labels == single.labels)
            #expect(components == single.components)
            #expect(components.count == (connectivity == .six ? 10 : 1))
        }
    }

    @Test func mergeRejectsSlabsThatDoNotTileTheVolume() throws {
        let g = Synthetic.grid(4, 4, 6)
        let mask = Synthetic.randomMask(g, density: 0.5, seed: 1)
        let decomposition = try SlabDecomposition(nz: 6, parts: 3, halo: 0)
        let summaries = try decomposition.slabs.map {
            try DistributedLabelling.labelSlab(decomposition.extract($0, from: mask), slab: $0, connectivity: .six).summary
        }
        #expect(throws: SegmentationError.self) {
            try DistributedLabelling.merge([summaries[0], summaries[2]], grid: g, connectivity: .six)
        }
        #expect(throws: SegmentationError.self) {
            try DistributedLabelling.merge(Array(summaries.reversed()), grid: g, connectivity: .six)
        }
        let wrongWidth = try Grid(nx: 5, ny: 4, nz: 6, spacingMM: SIMD3(1, 1, 1))
        #expect(throws: SegmentationError.self) { try DistributedLabelling.merge(summaries, grid: wrongWidth, connectivity: .six) }
    }

    @Test func relabelRejectsLabelsOutsideTable() throws {
        let labels = try LabelVolume(grid: Synthetic.grid(3, 1, 1), voxels: [0, 1, 2])
        #expect(throws: SegmentationError.labelOutOfRange(label: 2, tableCount: 2)) {
            try DistributedLabelling.relabel(labels, with: [0, 5])
        }
        #expect(try DistributedLabelling.relabel(labels, with: [0, 5, 7]).voxels == [0, 5, 7])
    }
}
