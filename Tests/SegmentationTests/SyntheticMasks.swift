import Core
import Segmentation

/// Small synthetic volumes and simple reference implementations shared by the tests.
enum Synthetic {
    static let spacings: [SIMD3<Double>] = [SIMD3(1, 1, 1), SIMD3(0.98, 0.98, 2.5), SIMD3(0.7, 1.3, 2.0)]

    static func grid(_ nx: Int, _ ny: Int, _ nz: Int, spacingMM: SIMD3<Double> = SIMD3(1, 1, 1)) -> Grid {
        try! Grid(nx: nx, ny: ny, nz: nz, spacingMM: spacingMM, originMM: SIMD3(-12.5, 40, -300))
    }

    /// Independent voxels set with probability `density`.
    static func randomMask(_ grid: Grid, density: Double, seed: UInt64) -> MaskVolume {
        var rng = RandomStream(seed: seed, stream: 7)
        return try! MaskVolume(grid: grid, voxels: (0..<grid.voxelCount).map { _ in rng.uniform() < density ? 1 : 0 })
    }

    /// Union of `count` random balls (radius 1.5–5 voxels), giving blobs, bridges and cavities.
    static func blobMask(_ grid: Grid, count: Int, seed: UInt64) -> MaskVolume {
        var rng = RandomStream(seed: seed, stream: 11)
        var m = MaskVolume(grid: grid)
        for _ in 0..<count {
            let c = SIMD3(rng.uniform() * Double(grid.nx), rng.uniform() * Double(grid.ny), rng.uniform() * Double(grid.nz))
            let r = 1.5 + 3.5 * rng.uniform()
            for z in 0..<grid.nz { for y in 0..<grid.ny { for x in 0..<grid.nx {
                let d = SIMD3(Double(x), Double(y), Double(z)) - c
                if (d * d).sum() <= r * r { m[x, y, z] = 1 }
            } } }
        }
        return m
    }

    /// Neighbour offsets of `connectivity` (all 6 or 26, both directions).
    static func neighbours(_ connectivity: Connectivity) -> [SIMD3<Int>] {
        var o: [SIMD3<Int>] = []
        for dz in -1...1 { for dy in -1...1 { for dx in -1...1 {
            let n = abs(dx) + abs(dy) + abs(dz)
            if n == 0 || (connectivity == .six && n > 1) { continue }
            o.append(SIMD3(dx, dy, dz))
        } } }
        return o
    }

    /// Reference labelling: breadth-first flood fill started at each unlabelled selected voxel in
    /// raster order (canonical by construction). `inPlane` keeps the fill inside each slice.
    static func floodLabels(_ mask: MaskVolume, connectivity: Connectivity, selectingNonZero: Bool = true, inPlane: Bool = false) -> [Int32] {
        let g = mask.grid
        let m = mask.voxels
        var labels = [Int32](repeating: 0, count: g.voxelCount)
        let offsets = neighbours(connectivity).filter { !inPlane || $0.z == 0 }
        var next: Int32 = 0
        for z in 0..<g.nz { for y in 0..<g.ny { for x in 0..<g.nx {
            let i = g.index(x, y, z)
            guard (m[i] != 0) == selectingNonZero, labels[i] == 0 else { continue }
            next += 1
            labels[i] = next
            var queue = [SIMD3(x, y, z)]
            var head = 0
            while head < queue.count {
                let p = queue[head]; head += 1
                for o in offsets {
                    let q = p &+ o
                    guard g.contains(q.x, q.y, q.z) else { continue }
                    let j = g.index(q.x, q.y, q.z)
                    if (m[j] != 0) == selectingNonZero && labels[j] == 0 { labels[j] = next; queue.append(q) }
                }
            }
        } } }
        return labels
    }
}
