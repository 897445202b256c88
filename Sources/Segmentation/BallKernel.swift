/// Ball dilation on grids with square pixels (sx = sy) by a bounded separable transform in
/// integer squared-pixel units, restricted to the box holding the foreground.
///
/// For an offset (dx, dy, dz) the ball test `(dx² + dy²)·sx² + (dz·sz)² ≤ r²(1 + 1e-9)` is
/// `dx² + dy² ≤ T(dz)` with the integer ``Plan/inPlaneLimit`` T. Per slice, column sweeps give the
/// squared y distance to the nearest selected voxel, a window of ±e_x columns turns it into the
/// in-plane squared distance (UInt16; exact up to (e_x + 1)², above T(0) beyond), and a window of ±e_z slices tests
/// T(dz): only offsets inside the ball are ever visited, so the result equals the definition
/// exactly. Inner loops run over contiguous rows and vectorise.
enum BallKernel {
    /// The integer tables of one ball; nil when the grid's pixels are not square or the ball is
    /// too wide for 16-bit squared distances.
    struct Plan: Equatable {
        /// Half extents in voxels (x = y in-plane, z).
        let reach: Int, reachZ: Int
        /// `inPlaneLimit[dz + reachZ]` = T(dz), the largest dx² + dy² inside the ball at slice offset dz.
        let inPlaneLimit: [UInt16]

        init?(_ ball: StructuringBall) {
            let s = ball.spacingMM
            guard s.x == s.y else { return nil }
            let e = ball.halfExtent
            guard e.x <= 120, e.z <= 1000 else { return nil }
            reach = e.x
            reachZ = e.z
            var limits: [UInt16] = []
            for dz in -e.z...e.z {
                let zz = Double(dz) * s.z * Double(dz) * s.z
                // Largest k with k·sx² + (dz·sz)² inside; k ≤ (e.x + 1)² bounds the search.
                var k = (e.x + 1) * (e.x + 1)
                while k > 0 && !ball.contains(squaredDistanceMM2: Double(k) * s.x * s.x + zz) { k -= 1 }
                limits.append(UInt16(k))
            }
            inPlaneLimit = limits
        }
    }

    /// Writes into `out` (nx·ny per slice, every entry of the output slices) 1 where some selected
    /// voxel — one whose non-zero-ness equals `selectingNonZero`, or a lattice point outside the
    /// volume when `outsideSelected` — lies in the ball around the voxel, else 0; for the slices
    /// `slices` of the nx·ny·nz mask only (all when nil; `out` then holds `slices.count` slices).
    static func reach(mask: UnsafePointer<UInt8>, selectingNonZero: Bool, outsideSelected: Bool,
                      into out: UnsafeMutablePointer<UInt8>, nx: Int, ny: Int, nz: Int, plan: Plan, slices: Range<Int>? = nil) {
        let slice = nx &* ny
        let ez = plan.reachZ
        let ring = 2 &* ez &+ 1
        let zs = slices ?? 0..<nz
        let rows = UnsafeMutablePointer<UInt16>.allocate(capacity: slice)
        let planes = UnsafeMutablePointer<UInt16>.allocate(capacity: slice &* ring)
        defer { rows.deallocate(); planes.deallocate() }
        plan.inPlaneLimit.withUnsafeBufferPointer { limits in
            // Slice k's in-plane distances live in ring slot k mod ring once computed.
            var computed = max(0, zs.lowerBound &- ez)
            for z in zs {
                let o = out + (z &- zs.lowerBound) &* slice
                if outsideSelected && (z < ez || z >= nz &- ez) {
                    // A lattice point beyond the first or last slice lies within reach.
                    o.update(repeating: 1, count: slice)
                    continue
                }
                while computed < nz && computed <= z &+ ez {
                    inPlane(mask + computed &* slice, selectingNonZero: selectingNonZero, edgeSelected: outsideSelected,
                            rows: rows, into: planes + (computed % ring) &* slice, nx: nx, ny: ny, reach: plan.reach)
                    computed &+= 1
                }
                o.update(repeating: 0, count: slice)
                for dz in max(-ez, -z)...min(ez, nz &- 1 &- z) {
                    let t = limits[dz &+ ez]
                    let p = planes + ((z &+ dz) % ring) &* slice
                    var i = 0
                    while i < slice { o[i] |= p[i] <= t ? 1 : 0; i &+= 1 }
                }
            }
        }
    }

    /// The in-plane squared distance in pixels² from each pixel of one slice to the nearest
    /// selected pixel, exact up to (reach + 1)² and above T(0) beyond; pixels beyond the slice
    /// edges are selected when `edgeSelected`.
    ///
    /// Column sweeps first: a forward and a backward pass over the rows carry, for every column at
    /// once, the distance to the last (next) selected pixel of that column, capped (`rows` holds the
    /// running distances, `h` the squared column distances), so the inner loops run across x in SIMD
    /// lanes with no dependence between neighbouring pixels. A window of ±reach columns then gives the
    /// in-plane distance, min over dx of h(x + dx) + dx²: the ball is symmetric in x and y (square
    /// pixels), so this equals the row-first order wherever the value is at most T(0) < (reach + 1)².
    @inline(__always)
    static func inPlane(_ m: UnsafePointer<UInt8>, selectingNonZero: Bool, edgeSelected: Bool, rows h: UnsafeMutablePointer<UInt16>,
                        into g: UnsafeMutablePointer<UInt16>, nx: Int, ny: Int, reach e: Int) {
        let cap = UInt16(truncatingIfNeeded: e &+ 1)
        // Selected bytes are those equal to `hit` after mapping non-zero to 1.
        let hit: UInt8 = selectingNonZero ? 1 : 0
        // g serves as the running distance of each column during the sweeps (it is overwritten last).
        let run = g
        run.update(repeating: edgeSelected ? 0 : cap, count: nx)
        for y in 0..<ny {
            let row = m + y &* nx, hr = h + y &* nx
            var x = 0
            while x < nx {
                let d = min(run[x] &+ 1, cap)
                let v = (row[x] != 0 ? 1 : 0) == hit ? 0 : d
                run[x] = v
                hr[x] = v
                x &+= 1
            }
        }
        run.update(repeating: edgeSelected ? 0 : cap, count: nx)
        var y = ny &- 1
        while y >= 0 {
            let row = m + y &* nx, hr = h + y &* nx
            var x = 0
            while x < nx {
                let d = min(run[x] &+ 1, cap)
                let v = (row[x] != 0 ? 1 : 0) == hit ? 0 : d
                run[x] = v
                let c = min(hr[x], v)
                hr[x] = c &* c
                x &+= 1
            }
            y &-= 1
        }
        for y in 0..<ny {
            let gr = g + y &* nx, hr = h + y &* nx
            gr.update(from: hr, count: nx)
            var dx = 1
            while dx <= e {
                let add = UInt16(truncatingIfNeeded: dx &* dx)
                let inside = max(0, nx &- dx)
                // Right neighbours at x + dx, then left ones at x − dx.
                var x = 0
                while x < inside { gr[x] = min(gr[x], hr[x &+ dx] &+ add); x &+= 1 }
                x = 0
                while x < inside { gr[x &+ dx] = min(gr[x &+ dx], hr[x] &+ add); x &+= 1 }
                if edgeSelected {
                    // The lattice column dx beyond either edge.
                    x = 0
                    while x < min(dx, nx) { gr[x] = min(gr[x], add); gr[nx &- 1 &- x] = min(gr[nx &- 1 &- x], add); x &+= 1 }
                }
                dx &+= 1
            }
        }
    }
}
