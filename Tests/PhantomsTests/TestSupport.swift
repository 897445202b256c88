import Core
@testable import Phantoms

/// Phantoms shared by the tests (generated once per test process).
enum Fixtures {
    /// PTV margin of ``thorax``: larger than the 5.6 mm spacing so that the PTV is a real expansion.
    static let marginMM = 8.0
    /// 96 × 96 × 48 voxels (5.6 mm in-plane, 5.8 mm slices), noise 15 HU.
    static let thorax: Phantom = try! PhantomFactory.thorax(seed: 7, size: PhantomSize(nx: 96, ny: 96, nz: 48), ptvMarginMM: marginMM)
}

extension Phantom {
    /// The mask of `name`; traps when missing (tests check the names separately).
    func m(_ name: String) -> MaskVolume { mask(named: name)! }
}

/// Number of voxels set in both masks.
func overlap(_ a: MaskVolume, _ b: MaskVolume) -> Int {
    zip(a.voxels, b.voxels).reduce(0) { $0 + ($1.0 != 0 && $1.1 != 0 ? 1 : 0) }
}

/// Number of voxels set in `a` but not in `b`.
func outside(_ a: MaskVolume, _ b: MaskVolume) -> Int {
    zip(a.voxels, b.voxels).reduce(0) { $0 + ($1.0 != 0 && $1.1 == 0 ? 1 : 0) }
}

/// Mean CT number over the voxels of `mask`.
func meanHU(_ ct: CTVolume, _ mask: MaskVolume) -> Double {
    var sum = 0.0, n = 0
    for (h, m) in zip(ct.voxels, mask.voxels) where m != 0 { sum += Double(h); n += 1 }
    return sum / Double(max(n, 1))
}

/// Voxel indices (x, y, z) of the nonzero voxels of `mask`.
func voxels(_ mask: MaskVolume) -> [(Int, Int, Int)] {
    let g = mask.grid
    var out: [(Int, Int, Int)] = []
    for z in 0..<g.nz { for y in 0..<g.ny { for x in 0..<g.nx where mask[x, y, z] != 0 { out.append((x, y, z)) } } }
    return out
}
