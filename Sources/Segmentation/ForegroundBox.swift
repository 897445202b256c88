import Core

/// The bounding box of a mask's non-zero voxels and copies between a volume and a box.
enum ForegroundBox {
    /// The smallest box holding every non-zero voxel of the `nx·ny·nz` mask; nil when there is none.
    /// Rows are scanned eight bytes at a time.
    static func of(_ m: UnsafePointer<UInt8>, nx: Int, ny: Int, nz: Int) -> VoxelBox? {
        var lo = SIMD3(Int.max, Int.max, Int.max), hi = SIMD3(-1, -1, -1)
        let raw = UnsafeRawPointer(m)
        for z in 0..<nz {
            for y in 0..<ny {
                let row = (z &* ny &+ y) &* nx
                var first = -1
                var x = 0
                while x &+ 8 <= nx {
                    if raw.loadUnaligned(fromByteOffset: row &+ x, as: UInt64.self) != 0 { break }
                    x &+= 8
                }
                while x < nx { if m[row &+ x] != 0 { first = x; break }; x &+= 1 }
                if first < 0 { continue }
                var last = nx &- 1
                while m[row &+ last] == 0 { last &-= 1 }
                lo = pointwiseMin(lo, SIMD3(first, y, z))
                hi = pointwiseMax(hi, SIMD3(last, y, z))
            }
        }
        return hi.x < 0 ? nil : VoxelBox(lower: lo, upper: hi)
    }

    /// True when `box` holds at least 60 % of the `nx·ny·nz` volume: copying it out and back then
    /// costs more than working on the whole volume.
    static func fillsMost(_ box: VoxelBox, nx: Int, ny: Int, nz: Int) -> Bool {
        let s = box.size
        return 5 &* s.x &* s.y &* s.z >= 3 &* nx &* ny &* nz
    }

    /// `box` grown by `margin` voxels on each side and clipped to the `nx·ny·nz` volume.
    static func grown(_ box: VoxelBox, by margin: SIMD3<Int>, nx: Int, ny: Int, nz: Int) -> VoxelBox {
        VoxelBox(lower: pointwiseMax(box.lower &- margin, .zero),
                 upper: pointwiseMin(box.upper &+ margin, SIMD3(nx - 1, ny - 1, nz - 1)))
    }

    /// Copies the voxels of `box` out of the `nx·ny` sliced volume `src` into the dense `dst`.
    static func extract<T>(_ src: UnsafePointer<T>, nx: Int, ny: Int, box: VoxelBox, into dst: UnsafeMutablePointer<T>) {
        let s = box.size
        for z in 0..<s.z {
            for y in 0..<s.y {
                let from = ((box.lower.z &+ z) &* ny &+ box.lower.y &+ y) &* nx &+ box.lower.x
                (dst + (z &* s.y &+ y) &* s.x).update(from: src + from, count: s.x)
            }
        }
    }

    /// Copies the dense `src` of `box`'s size into `box` of the `nx·ny` sliced volume `dst`.
    static func insert<T>(_ src: UnsafePointer<T>, nx: Int, ny: Int, box: VoxelBox, into dst: UnsafeMutablePointer<T>) {
        let s = box.size
        for z in 0..<s.z {
            for y in 0..<s.y {
                let to = ((box.lower.z &+ z) &* ny &+ box.lower.y &+ y) &* nx &+ box.lower.x
                (dst + to).update(from: src + (z &* s.y &+ y) &* s.x, count: s.x)
            }
        }
    }

    /// A fresh `grid` volume holding the dense `src` of `box`'s size in `box` and zero elsewhere;
    /// every voxel is written once (no zero fill first).
    static func placed<T: VoxelScalar>(_ src: UnsafePointer<T>, box: VoxelBox, on grid: Grid) -> Volume<T> {
        Volume<T>.written(grid: grid) { dst, _ in place(src, box: box, on: grid, into: dst) }
    }

    /// Writes every voxel of the `grid`-sized `dst`: the dense `src` of `box`'s size in `box`, zero elsewhere.
    static func place<T: VoxelScalar>(_ src: UnsafePointer<T>, box: VoxelBox, on grid: Grid, into dst: UnsafeMutablePointer<T>) {
        let nx = grid.nx, ny = grid.ny
        let s = box.size
        var done = 0
        for z in box.lower.z...box.upper.z {
            for y in box.lower.y...box.upper.y {
                let row = (z &* ny &+ y) &* nx
                let from = row &+ box.lower.x
                (dst + done).update(repeating: .zero, count: from &- done)
                (dst + from).update(from: src + ((z &- box.lower.z) &* s.y &+ y &- box.lower.y) &* s.x, count: s.x)
                done = from &+ s.x
            }
        }
        (dst + done).update(repeating: .zero, count: grid.voxelCount &- done)
    }
}
