/// Ball dilation on grids with square pixels (sx = sy) by a bounded separable transform in
/// integer squared-pixel units, restricted to the box holding the foreground.
///
/// For an offset (dx, dy, dz) the ball test `(dx² + dy²)·sx² + (dz·sz)² ≤ r²(1 + 1e-9)` is
/// `dx² + dy² ≤ T(dz)` with the integer ``Plan/inPlaneLimit`` T. Per slice, a row sweep gives the
/// squared x distance to the nearest selected voxel, a window of ±e_y rows turns it into the
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

    /// Writes into `out` (nx·ny·nz, every entry) 1 where some selected voxel — one whose
    /// non-zero-ness equals `selectingNonZero`, or a lattice point outside the volume when
    /// `outsideSelected` — lies in the ball around the voxel, else 0.
    static func reach(mask: UnsafePointer<UInt8>, selectingNonZero: Bool, outsideSelected: Bool,
                      into out: UnsafeMutablePointer<UInt8>, nx: Int, ny: Int, nz: Int, plan: Plan) {
        let slice = nx &* ny
        let ez = plan.reachZ
        let ring = 2 &* ez &+ 1
        let rows = UnsafeMutablePointer<UInt16>.allocate(capacity: slice)
        let planes = UnsafeMutablePointer<UInt16>.allocate(capacity: slice &* ring)
        defer { rows.deallocate(); planes.deallocate() }
        plan.inPlaneLimit.withUnsafeBufferPointer { limits in
            // Slice k's in-plane distances live in ring slot k mod ring once computed.
            var computed = 0
            for z in 0..<nz {
                let o = out + z &* slice
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
    @inline(__always)
    static func inPlane(_ m: UnsafePointer<UInt8>, selectingNonZero: Bool, edgeSelected: Bool, rows h: UnsafeMutablePointer<UInt16>,
                        into g: UnsafeMutablePointer<UInt16>, nx: Int, ny: Int, reach e: Int) {
        let cap = e &+ 1
        // An index no row reaches: its distance to any pixel exceeds the cap.
        let farAway = 1 << 40
        for y in 0..<ny {
            let row = m + y &* nx, hr = h + y &* nx
            // Forward then backward sweep: distance to the nearest selected pixel of the row, capped.
            // Only the index of the last (next) selected pixel is carried from pixel to pixel (a
            // conditional move), and the smaller distance is squared: min(a, b)² = min(a², b²).
            var last = edgeSelected ? -1 : -farAway
            var x = 0
            while x < nx {
                if (row[x] != 0) == selectingNonZero { last = x }
                hr[x] = UInt16(truncatingIfNeeded: min(x &- last, cap))
                x &+= 1
            }
            var next = edgeSelected ? nx : farAway
            x = nx &- 1
            while x >= 0 {
                if (row[x] != 0) == selectingNonZero { next = x }
                let d = min(Int(hr[x]), min(next &- x, cap))
                hr[x] = UInt16(truncatingIfNeeded: d &* d)
                x &-= 1
            }
        }
        for y in 0..<ny {
            let gr = g + y &* nx
            gr.update(from: h + y &* nx, count: nx)
            var dy = 1
            while dy <= e {
                let add = UInt16(truncatingIfNeeded: dy &* dy)
                var side = -1
                while side <= 1 {
                    let yy = y &+ side &* dy
                    if yy >= 0 && yy < ny {
                        let src = h + yy &* nx
                        var x = 0
                        while x < nx { gr[x] = min(gr[x], src[x] &+ add); x &+= 1 }
                    } else if edgeSelected {
                        var x = 0
                        while x < nx { gr[x] = min(gr[x], add); x &+= 1 }
                    }
                    side &+= 2
                }
                dy &+= 1
            }
        }
    }
}
