import Core
import Segmentation
import Testing

/// Brute-force morphology straight from the definitions, on flat arrays.
enum ReferenceMorphology {
    static func offsets(_ ball: StructuringBall) -> [SIMD3<Int>] {
        let e = ball.halfExtent &+ 1
        var o: [SIMD3<Int>] = []
        for dz in -e.z...e.z { for dy in -e.y...e.y { for dx in -e.x...e.x where ball.contains(dx, dy, dz) {
            o.append(SIMD3(dx, dy, dz))
        } } }
        return o
    }

    /// { x : some foreground voxel lies in the ball around x }.
    static func dilate(_ mask: MaskVolume, _ ball: StructuringBall) -> MaskVolume {
        let g = mask.grid
        let m = mask.voxels
        var out = [UInt8](repeating: 0, count: g.voxelCount)
        let offs = offsets(ball)
        for z in 0..<g.nz { for y in 0..<g.ny { for x in 0..<g.nx where m[g.index(x, y, z)] != 0 {
            for o in offs {
                let (xx, yy, zz) = (x + o.x, y + o.y, z + o.z)
                if g.contains(xx, yy, zz) { out[g.index(xx, yy, zz)] = 1 }
            }
        } } }
        return try! MaskVolume(grid: g, voxels: out)
    }

    /// { x : every ball offset of x is inside the volume and foreground }.
    static func erode(_ mask: MaskVolume, _ ball: StructuringBall) -> MaskVolume {
        let g = mask.grid
        let m = mask.voxels
        var out = [UInt8](repeating: 0, count: g.voxelCount)
        let offs = offsets(ball)
        for z in 0..<g.nz { for y in 0..<g.ny { for x in 0..<g.nx where m[g.index(x, y, z)] != 0 {
            var inside = true
            for o in offs {
                let (xx, yy, zz) = (x + o.x, y + o.y, z + o.z)
                if !g.contains(xx, yy, zz) || m[g.index(xx, yy, zz)] == 0 { inside = false; break }
            }
            out[g.index(x, y, z)] = inside ? 1 : 0
        } } }
        return try! MaskVolume(grid: g, voxels: out)
    }

    /// Closing on a lattice padded generously (half extent + 2) with background, cropped back.
    static func close(_ mask: MaskVolume, _ ball: StructuringBall) -> MaskVolume {
        let g = mask.grid
        let p = ball.halfExtent &+ 2
        let pg = try! Grid(nx: g.nx + 2 * p.x, ny: g.ny + 2 * p.y, nz: g.nz + 2 * p.z, spacingMM: g.spacingMM)
        var padded = MaskVolume(grid: pg)
        for z in 0..<g.nz { for y in 0..<g.ny { for x in 0..<g.nx { padded[x + p.x, y + p.y, z + p.z] = mask[x, y, z] } } }
        let closed = erode(dilate(padded, ball), ball)
        var out = MaskVolume(grid: g)
        for z in 0..<g.nz { for y in 0..<g.ny { for x in 0..<g.nx { out[x, y, z] = closed[x + p.x, y + p.y, z + p.z] } } }
        return out
    }

    static func apply(_ op: MorphologyOperation, _ mask: MaskVolume, _ ball: StructuringBall) -> MaskVolume {
        switch op {
        case .dilate: return dilate(mask, ball)
        case .erode: return erode(mask, ball)
        case .open: return dilate(erode(mask, ball), ball)
        case .close: return close(mask, ball)
        }
    }
}

@Suite struct MorphologyTests {
    static let radiiMM: [Double] = [1, 2.5, 4, 6]

    @Test(arguments: MorphologyOperation.allCases, Synthetic.spacings)
    func matchesBruteForceBall(operation: MorphologyOperation, spacing: SIMD3<Double>) throws {
        let g = Synthetic.grid(20, 18, 16, spacingMM: spacing)
        let masks = [Synthetic.blobMask(g, count: 6, seed: 5), Synthetic.randomMask(g, density: 0.55, seed: 6)]
        for r in Self.radiiMM {
            let ball = try StructuringBall(radiusMM: r, spacingMM: spacing)
            for mask in masks {
                let fast = try Morphology.apply(operation, to: mask, radiusMM: r)
                let reference = ReferenceMorphology.apply(operation, mask, ball)
                let differing = zip(fast.voxels, reference.voxels).filter { $0 != $1 }.count
                #expect(differing == 0, "\(operation) r = \(r) mm, spacing \(spacing): \(differing) voxels differ")
            }
        }
    }

    @Test func radiusZeroIsIdentity() throws {
        let mask = Synthetic.blobMask(Synthetic.grid(10, 9, 8), count: 3, seed: 2)
        for op in MorphologyOperation.allCases {
            #expect(try Morphology.apply(op, to: mask, radiusMM: 0) == mask)
        }
    }

    @Test(arguments: [2.0, 3.0, 4.5])
    func sliceClosingIsTheBruteForceDiskClosingOfEachSlice(radiusMM: Double) throws {
        // 2.5 mm slices: a 3D ball of r ≥ 2.5 mm would reach the neighbouring slices; the slice closing must not.
        let g = Synthetic.grid(17, 14, 5, spacingMM: SIMD3(0.98, 0.98, 2.5))
        let mask = Synthetic.randomMask(g, density: 0.35, seed: 21)
        let closed = try Morphology.closeSlices(mask, radiusMM: radiusMM)
        // One slice with a slice spacing beyond the radius: the reference ball is the in-plane disk.
        let sliceGrid = Synthetic.grid(17, 14, 1, spacingMM: SIMD3(0.98, 0.98, 10))
        let disk = try StructuringBall(radiusMM: radiusMM, spacingMM: sliceGrid.spacingMM)
        for z in 0..<g.nz {
            let slice = try MaskVolume(grid: sliceGrid, voxels: mask.slab(z..<(z + 1)).voxels)
            let expected = ReferenceMorphology.close(slice, disk)
            #expect(closed.slab(z..<(z + 1)).voxels == expected.voxels, "slice \(z)")
        }
        if radiusMM >= g.spacingMM.z {
            #expect(try closed != Morphology.close(mask, radiusMM: radiusMM), "the 3D closing joins slices")
        }
    }

    @Test func closeIsExtensiveAndOpenAntiExtensive() throws {
        let g = Synthetic.grid(16, 15, 12, spacingMM: SIMD3(0.98, 0.98, 2.5))
        let mask = Synthetic.randomMask(g, density: 0.4, seed: 9)
        let closed = try Morphology.close(mask, radiusMM: 3)
        let opened = try Morphology.open(mask, radiusMM: 3)
        #expect(zip(mask.voxels, closed.voxels).allSatisfy { $0 <= $1 })
        #expect(zip(mask.voxels, opened.voxels).allSatisfy { $0 >= $1 })
        let full = MaskVolume(grid: g, repeating: 1)
        #expect(try Morphology.close(full, radiusMM: 6) == full)
    }

    @Test func erosionTreatsOutsideAsBackground() throws {
        let g = Synthetic.grid(12, 11, 10, spacingMM: SIMD3(0.98, 0.98, 2.5))
        let eroded = try Morphology.erode(MaskVolume(grid: g, repeating: 1), radiusMM: 2.5)
        // Half extent (2, 2, 1): exactly the voxels at least 3, 3, 2 voxels from the outside survive.
        for z in 0..<g.nz { for y in 0..<g.ny { for x in 0..<g.nx {
            let kept = x >= 2 && x < 10 && y >= 2 && y < 9 && z >= 1 && z < 9
            #expect(eroded[x, y, z] == (kept ? 1 : 0))
        } } }
    }

    @Test func rejectsNegativeRadius() {
        let mask = MaskVolume(grid: Synthetic.grid(3, 3, 3))
        #expect(throws: SegmentationError.invalidRadius(-2)) { try Morphology.dilate(mask, radiusMM: -2) }
    }

    @Test(arguments: MorphologyOperation.allCases)
    func slabsWithRequiredHaloReassembleToWholeVolumeResult(operation: MorphologyOperation) throws {
        let spacing = SIMD3(0.98, 0.98, 2.5)
        let g = Synthetic.grid(14, 13, 23, spacingMM: spacing)
        let mask = Synthetic.blobMask(g, count: 8, seed: 4)
        for r in [2.0, 5.0, 6.0] {
            let whole = try Morphology.apply(operation, to: mask, radiusMM: r)
            let halo = try Morphology.haloSlices(for: operation, radiusMM: r, spacingMM: spacing)
            #expect(halo <= operation.passesForTest * Int((r / spacing.z).rounded(.up)))
            for parts in [2, 3, 5] {
                let slabs = try SlabDecomposition(nz: g.nz, parts: parts, halo: halo)
                let results = try slabs.slabs.map { try Morphology.apply(operation, to: slabs.extract($0, from: mask), radiusMM: r) }
                #expect(try slabs.reassemble(results, on: g) == whole, "\(operation) r = \(r) mm, \(parts) slabs, halo \(halo)")
            }
        }
    }

    @Test func slabsWithTooSmallHaloDiffer() throws {
        // Slab cores 0..<4 and 4..<8, halo 1: a voxel at z = 2 dilated by 5 mm (2 slices) reaches z = 4,
        // but slab 1 reads only slices 3..<8 and misses it.
        let g = Synthetic.grid(5, 5, 8, spacingMM: SIMD3(1, 1, 2.5))
        var mask = MaskVolume(grid: g)
        mask[2, 2, 2] = 1
        let whole = try Morphology.dilate(mask, radiusMM: 5)
        let slabs = try SlabDecomposition(nz: 8, parts: 2, halo: 1)
        let results = try slabs.slabs.map { try Morphology.dilate(slabs.extract($0, from: mask), radiusMM: 5) }
        #expect(try slabs.reassemble(results, on: g) != whole)
        #expect(try Morphology.haloSlices(for: .dilate, radiusMM: 5, spacingMM: g.spacingMM) == 2)
    }
}

extension MorphologyOperation {
    var passesForTest: Int { self == .open || self == .close ? 2 : 1 }
}
