import Core
import Segmentation
import Testing

@Suite struct HoleFillingTests {
    /// Reference: flood the background from every border voxel, fill what was not reached.
    static func reference(_ mask: MaskVolume, connectivity: Connectivity, inPlane: Bool) -> [UInt8] {
        let g = mask.grid
        let background = Synthetic.floodLabels(mask, connectivity: connectivity, selectingNonZero: false, inPlane: inPlane)
        var reachesBorder = Set<Int32>()
        for z in 0..<g.nz { for y in 0..<g.ny { for x in 0..<g.nx {
            let onBorder = x == 0 || y == 0 || x == g.nx - 1 || y == g.ny - 1 || (!inPlane && (z == 0 || z == g.nz - 1))
            let l = background[g.index(x, y, z)]
            if onBorder && l != 0 { reachesBorder.insert(l) }
        } } }
        return zip(mask.voxels, background).map { m, l in (m != 0 || !reachesBorder.contains(l)) ? 1 : 0 }
    }

    @Test(arguments: Connectivity.allCases)
    func matchesBorderFloodFill(connectivity: Connectivity) throws {
        let g = Synthetic.grid(20, 18, 16)
        var filled3D = 0, filled2D = 0
        for (density, seed) in [(0.45, UInt64(1)), (0.6, 2), (0.7, 3), (0.85, 4)] {
            let mask = Synthetic.randomMask(g, density: density, seed: seed)
            let holes3D = try HoleFilling.fill3D(mask, backgroundConnectivity: connectivity)
            let holes2D = try HoleFilling.fill2D(mask, backgroundConnectivity: connectivity)
            #expect(holes3D.voxels == Self.reference(mask, connectivity: connectivity, inPlane: false))
            #expect(holes2D.voxels == Self.reference(mask, connectivity: connectivity, inPlane: true))
            filled3D += holes3D.voxels.count { $0 != 0 } - mask.voxels.count { $0 != 0 }
            filled2D += holes2D.voxels.count { $0 != 0 } - mask.voxels.count { $0 != 0 }
        }
        // The masks are dense enough that both kinds of holes exist (the comparison is not vacuous).
        #expect(filled3D > 0 && filled2D > filled3D)
    }

    @Test func hollowBoxIsFilledIn3DButOpenTubeOnlyIn2D() throws {
        let g = Synthetic.grid(9, 9, 9)
        var shell = MaskVolume(grid: g)
        var tube = MaskVolume(grid: g)
        for z in 1...7 { for y in 1...7 { for x in 1...7 where x == 1 || x == 7 || y == 1 || y == 7 || z == 1 || z == 7 {
            shell[x, y, z] = 1
        } } }
        for z in 0..<9 { for y in 1...7 { for x in 1...7 where x == 1 || x == 7 || y == 1 || y == 7 { tube[x, y, z] = 1 } } }
        let solid = try HoleFilling.fill3D(shell)
        #expect(solid.voxels.count { $0 != 0 } == 7 * 7 * 7)
        #expect(try HoleFilling.fill3D(tube) == tube)
        #expect(try HoleFilling.fill2D(tube).voxels.count { $0 != 0 } == 9 * 7 * 7)
    }
}
