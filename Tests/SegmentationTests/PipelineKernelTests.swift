import Core
import Testing
@testable import Segmentation

/// The pipeline's fused mask algebra, box placement, body-box crop and cropped labelling against
/// per-voxel references on small random volumes (exact equality: all are integer operations).
struct PipelineKernelTests {
    /// Random CT numbers in −1100…1600 HU on `grid`.
    static func randomCT(_ grid: Grid, seed: UInt64) -> CTVolume {
        var rng = RandomStream(seed: seed, stream: 3)
        return try! CTVolume(grid: grid, voxels: (0..<grid.voxelCount).map { _ in Int16(-1100 + 2700 * rng.uniform()) })
    }

    /// A random mask with foreground values 1 and 7 (any non-zero value is foreground).
    static func randomMask(_ grid: Grid, seed: UInt64) -> MaskVolume {
        var rng = RandomStream(seed: seed, stream: 5)
        return try! MaskVolume(grid: grid, voxels: (0..<grid.voxelCount).map { _ in
            let u = rng.uniform()
            return u < 0.4 ? 0 : (u < 0.8 ? 1 : 7)
        })
    }

    @Test("fused threshold-and, in-place union and difference equal the per-voxel definitions")
    func fusedMaskAlgebra() throws {
        let g = Synthetic.grid(13, 9, 5)
        for seed in UInt64(1)...4 {
            let ct = Self.randomCT(g, seed: seed)
            let a = Self.randomMask(g, seed: seed), b = Self.randomMask(g, seed: seed + 100)
            for hu in [-950.0, -500.4, 120.5, 600.0] {
                let lo = Int16(hu.rounded(.up)), hi = Int16(hu.rounded(.down))
                let atLeast = MaskAlgebra.and(a, atLeast: hu, in: ct), atMost = MaskAlgebra.and(a, atMost: hu, in: ct)
                var union = b
                MaskAlgebra.formUnion(&union, a, atLeast: hu, in: ct)
                for i in 0..<g.voxelCount {
                    let inA = a.voxels[i] != 0, inB = b.voxels[i] != 0, v = ct.voxels[i]
                    #expect(atLeast.voxels[i] == (inA && v >= lo ? 1 : 0))
                    #expect(atMost.voxels[i] == (inA && v <= hi ? 1 : 0))
                    #expect(union.voxels[i] == (inB || (inA && v >= lo) ? 1 : 0))
                }
            }
            var union = a, difference = a
            MaskAlgebra.formUnion(&union, b)
            MaskAlgebra.formDifference(&difference, b)
            for i in 0..<g.voxelCount {
                let inA = a.voxels[i] != 0, inB = b.voxels[i] != 0
                #expect(union.voxels[i] == (inA || inB ? 1 : 0))
                #expect(difference.voxels[i] == (inA && !inB ? 1 : 0))
            }
        }
    }

    @Test("placing a dense box writes it into zeros, for every box position")
    func placedBox() throws {
        let g = Synthetic.grid(7, 6, 4)
        var rng = RandomStream(seed: 9, stream: 1)
        for _ in 0..<40 {
            let a = SIMD3(Int(rng.uniform() * 7), Int(rng.uniform() * 6), Int(rng.uniform() * 4))
            let b = SIMD3(Int(rng.uniform() * 7), Int(rng.uniform() * 6), Int(rng.uniform() * 4))
            let box = VoxelBox(lower: pointwiseMin(a, b), upper: pointwiseMax(a, b))
            let s = box.size
            let dense = (0..<(s.x * s.y * s.z)).map { Int32($0 + 1) }
            let placed = dense.withUnsafeBufferPointer { ForegroundBox.placed($0.baseAddress!, box: box, on: g) }
            var reference = LabelVolume(grid: g)
            for z in 0..<s.z { for y in 0..<s.y { for x in 0..<s.x {
                reference[box.lower.x + x, box.lower.y + y, box.lower.z + z] = dense[(z * s.y + y) * s.x + x]
            } } }
            #expect(placed == reference, "box \(box)")
        }
    }

    @Test("body box: crop of slices and uncrop equal the per-voxel copies")
    func bodyCropRoundTrip() throws {
        let g = Synthetic.grid(11, 9, 6)
        let decisions: [String: Double] = [BodyCrop.lowerXName: 2, BodyCrop.lowerYName: 1, BodyCrop.upperXName: 8, BodyCrop.upperYName: 6,
                                           BodyCrop.sliceNXName: 11, BodyCrop.sliceNYName: 9]
        let crop = try #require(BodyCrop(scalars: decisions))
        #expect(crop.width == 7 && crop.height == 6)
        let ct = Self.randomCT(g, seed: 2)
        let part = crop.crop(ct, slices: 1..<5)
        #expect(part.grid == crop.grid(g).slab(1..<5))
        for z in 0..<4 { for y in 0..<6 { for x in 0..<7 { #expect(part[x, y, z] == ct[x + 2, y + 1, z + 1]) } } }
        let mask = Self.randomMask(crop.grid(g), seed: 4)
        let full = crop.uncrop(mask, to: g)
        for z in 0..<6 { for y in 0..<9 { for x in 0..<11 {
            let inside = (2...8).contains(x) && (1...6).contains(y)
            #expect(full[x, y, z] == (inside ? mask[x - 2, y - 1, z] : 0))
        } } }
        // A box spanning the slice is no crop.
        var spanning = decisions
        spanning[BodyCrop.lowerXName] = 0; spanning[BodyCrop.lowerYName] = 0
        spanning[BodyCrop.upperXName] = 10; spanning[BodyCrop.upperYName] = 8
        #expect(BodyCrop(scalars: spanning) == nil)
    }

    @Test("labelling a crop with its placement equals labelling the full slices", arguments: Connectivity.allCases)
    func croppedLabelling(connectivity: Connectivity) throws {
        let g = Synthetic.grid(12, 10, 5)
        let decisions: [String: Double] = [BodyCrop.lowerXName: 3, BodyCrop.lowerYName: 2, BodyCrop.upperXName: 10, BodyCrop.upperYName: 7,
                                           BodyCrop.sliceNXName: 12, BodyCrop.sliceNYName: 10]
        let crop = try #require(BodyCrop(scalars: decisions))
        // Dense masks (the whole volume is labelled in place) and single small blobs (inside their box).
        let masks = (UInt64(1)...3).map { Synthetic.randomMask(crop.grid(g), density: 0.45, seed: $0) }
            + (UInt64(1)...3).map { Synthetic.blobMask(crop.grid(g), count: 1, seed: $0) }
        for inBox in masks {
            let full = crop.uncrop(inBox, to: g)
            let reference = try DistributedLabelling.labelCore(full, firstCoreSlice: 7, connectivity: connectivity)
            let placement = DistributedLabelling.Placement(lowerX: 3, lowerY: 2, sliceNX: 12, sliceNY: 10)
            let cropped = try DistributedLabelling.labelCore(inBox, firstCoreSlice: 7, connectivity: connectivity, placement: placement)
            #expect(crop.uncrop(cropped.labels, to: g) == reference.labels)
            #expect(cropped.summary == reference.summary)
        }
    }

    @Test("labels kept on the foreground's columns and rows equal the full map there, zero elsewhere; counts per label agree",
          arguments: Connectivity.allCases)
    func foregroundRectLabelling(connectivity: Connectivity) throws {
        let g = Synthetic.grid(16, 13, 6)
        var masks = (UInt64(1)...3).map { Synthetic.blobMask(g, count: 2, seed: $0) }
        var corner = MaskVolume(grid: g)
        corner[14, 11, 3] = 1; corner[13, 12, 4] = 1; corner[15, 10, 4] = 1
        masks += [corner, MaskVolume(grid: g), Synthetic.randomMask(g, density: 0.6, seed: 9)]
        let weights = Synthetic.randomMask(g, density: 0.5, seed: 17)
        for mask in masks {
            let full = try DistributedLabelling.labelCore(mask, firstCoreSlice: 3, connectivity: connectivity)
            let kept = try DistributedLabelling.labelCore(mask, firstCoreSlice: 3, connectivity: connectivity, onForeground: true)
            #expect(kept.summary == full.summary)
            let rect = PlaneRect(kept.labels.grid, in: g)
            #expect(kept.labels.grid.nz == g.nz && kept.labels.grid.spacingMM == g.spacingMM)
            // Every voxel of the full map: inside the rectangle the kept label, outside zero.
            for z in 0..<g.nz { for y in 0..<g.ny { for x in 0..<g.nx {
                let inside = x >= rect.x && x < rect.x + rect.width && y >= rect.y && y < rect.y + rect.height
                let k = inside ? kept.labels[x - rect.x, y - rect.y, z] : 0
                #expect(k == full.labels[x, y, z], "voxel (\(x), \(y), \(z))")
            } } }
            let n = full.summary.sums.componentCount
            #expect(MaskAlgebra.countPerLabel(kept.labels, componentCount: n, where: weights)
                    == MaskAlgebra.countPerLabel(full.labels, componentCount: n, where: weights))
        }
    }

    @Test("ball dilation and erosion equal brute force whether the foreground's box fills the volume or not")
    func boxedMorphologyBothPaths() throws {
        let g = Synthetic.grid(14, 12, 7, spacingMM: SIMD3(0.9, 0.9, 1.6))
        let ball = try StructuringBall(radiusMM: 2.1, spacingMM: g.spacingMM)
        let plan = try #require(BallKernel.Plan(ball))
        var corner = MaskVolume(grid: g)
        for z in 1...3 { for y in 1...3 { for x in 1...4 { corner[x, y, z] = 1 } } }
        corner[3, 2, 2] = 0
        let dense = Synthetic.randomMask(g, density: 0.8, seed: 12)
        let e = ball.halfExtent
        for mask in [corner, dense] {
            for eroding in [false, true] {
                let out = Morphology.boxed(mask, plan, eroding: eroding)
                for z in 0..<g.nz { for y in 0..<g.ny { for x in 0..<g.nx {
                    // Dilation: some foreground voxel within the ball; erosion: every ball offset inside the volume and the mask.
                    var any = false, all = true
                    for dz in -e.z...e.z { for dy in -e.y...e.y { for dx in -e.x...e.x {
                        guard ball.contains(dx, dy, dz) else { continue }
                        let p = SIMD3(x + dx, y + dy, z + dz)
                        let inside = g.contains(p.x, p.y, p.z) && mask[p.x, p.y, p.z] != 0
                        any = any || inside
                        all = all && inside
                    } } }
                    #expect(out[x, y, z] == ((eroding ? all : any) ? 1 : 0), "(\(x), \(y), \(z)) eroding \(eroding)")
                } } }
            }
        }
    }

    @Test("dilation and opening on a slice range equal the whole-volume result's slices (boxed, whole-slice and distance paths)")
    func morphologyOnSlicesMatchesTheWholeVolume() throws {
        // Square pixels (ball kernel; a small blob leaves most of the volume outside its box, a dense
        // mask fills it) and non-square pixels (distance transform).
        for spacing in [SIMD3(1.0, 1.0, 1.5), SIMD3(0.7, 1.3, 2.0)] {
            let g = Synthetic.grid(19, 17, 14, spacingMM: spacing)
            let masks = [Synthetic.blobMask(g, count: 2, seed: 31), Self.randomMask(g, seed: 32), MaskVolume(grid: g)]
            for (k, mask) in masks.enumerated() {
                for r in [1.0, 3.0, 4.5] {
                    let dilated = try Morphology.dilate(mask, radiusMM: r), opened = try Morphology.open(mask, radiusMM: r)
                    for slices in [0..<14, 0..<1, 3..<9, 13..<14, 5..<14] {
                        let d = try Morphology.dilate(mask, radiusMM: r, slices: slices)
                        #expect(d == dilated.slab(slices), "dilate mask \(k), r = \(r), spacing \(spacing), slices \(slices)")
                        let o = try Morphology.open(mask, radiusMM: r, slices: slices)
                        #expect(o == opened.slab(slices), "open mask \(k), r = \(r), spacing \(spacing), slices \(slices)")
                    }
                }
            }
        }
    }

    @Test("opening continued beyond the z-ends equals the opening of the mask with its end slices repeated far beyond them")
    func openingContinuedBeyondTheEndsMatchesALongVolume() throws {
        for spacing in [SIMD3(1.0, 1.0, 1.5), SIMD3(0.7, 1.3, 2.0)] {
            for nz in [1, 2, 3, 6, 14] {
                let g = Synthetic.grid(19, 17, nz, spacingMM: spacing)
                for (k, mask) in [Synthetic.blobMask(g, count: 3, seed: 41), Self.randomMask(g, seed: 42), MaskVolume(grid: g)].enumerated() {
                    for r in [1.0, 3.0, 4.5] {
                        // Reference: 12 repeated end slices on each continued side (beyond any ball's reach here: r / s_z ≤ 3),
                        // opened as a plain volume, cut back to the mask's slices.
                        for (below, above) in [(true, true), (true, false), (false, true)] {
                            let pad = 12
                            let long = Morphology.replicatingEndSlices(mask, below: below ? pad : 0, above: above ? pad : 0)
                            let lo = below ? pad : 0
                            let reference = try Morphology.open(long, radiusMM: r).slab(lo..<(lo + nz))
                            for slices in Set([0..<nz, 0..<1, (nz - 1)..<nz, (nz / 2)..<nz]) {
                                let o = try Morphology.open(mask, radiusMM: r, slices: slices, continuingBelow: below, continuingAbove: above)
                                #expect(o.voxels == reference.slab(slices).voxels && o.grid == g.slab(slices),
                                        "mask \(k), nz \(nz), r = \(r), spacing \(spacing), continuing \(below)/\(above), slices \(slices)")
                            }
                        }
                    }
                }
            }
        }
        // The repeated slices are copies of the end slices.
        let m = Self.randomMask(Synthetic.grid(5, 4, 3), seed: 43)
        let long = Morphology.replicatingEndSlices(m, below: 2, above: 1)
        #expect(long.grid.nz == 6)
        #expect(long.slab(0..<1).voxels == m.slab(0..<1).voxels && long.slab(1..<2).voxels == m.slab(0..<1).voxels)
        #expect(long.slab(2..<5).voxels == m.voxels && long.slab(5..<6).voxels == m.slab(2..<3).voxels)
    }

    @Test("slice work is the same on 1, 2 and 5 threads")
    func sliceWorkDoesNotDependOnThreads() throws {
        let g = Synthetic.grid(23, 9, 13)
        let ct = Self.randomCT(g, seed: 51)
        let pipeline = try SegmentationPipeline(request: SegmentationRequest(), grid: g)
        let one = pipeline.sliceWork(ct)
        #expect(one.count == 13)
        for threads in [2, 5] { #expect(pipeline.sliceWork(ct, threads: threads) == one, "\(threads) threads") }
    }
}
