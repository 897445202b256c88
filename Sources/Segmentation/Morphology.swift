import Core

/// Binary morphology with a ball of radius r mm (``StructuringBall``) on anisotropic grids.
///
/// On grids with square pixels (sx = sy) and in-plane half extents up to 120 voxels, dilation and
/// erosion run through ``BallKernel`` inside the foreground's bounding box, O(N·(e_y + e_z));
/// otherwise through the exact squared distance transform, O(N) whatever the radius. Both give
/// the same masks. Conventions (any non-zero input voxel is foreground; outputs are 0/1):
/// - dilate(M) = { x : d(x, M) ≤ r }, with d the distance between voxel centres; nothing outside
///   the volume is foreground.
/// - erode(M) = complement of dilate(complement of M), where the complement **includes the
///   lattice outside the volume**: a voxel survives only if its whole ball lies inside the volume
///   and inside M, so masks touching the border are eroded from the border.
/// - open(M) = dilate(erode(M)).
/// - close(M) = erode(dilate(M)) computed on the volume padded with background by the ball's half
///   extent and cropped back, i.e. the closing on the unbounded background-padded lattice. It is
///   extensive (M ⊆ close(M)) and leaves structures touching the border intact.
///
/// On a z-slab with at least ``haloSlices(for:radiusMM:spacingMM:)`` halo slices, applying an
/// operation to the extended slab gives exactly the whole-volume result on the core slices.
public enum Morphology {
    /// Voxels within `radiusMM` of the mask.
    public static func dilate(_ mask: MaskVolume, radiusMM: Double) throws -> MaskVolume {
        let ball = try StructuringBall(radiusMM: radiusMM, spacingMM: mask.grid.spacingMM)
        return dilate(mask, ball: ball, selectingNonZero: true)
    }

    /// ``dilate(_:radiusMM:)`` on slices `slices` of the mask only, on `mask.grid.slab(slices)`: the
    /// core of a slab from its extended slices, without computing the halo's output.
    static func dilate(_ mask: MaskVolume, radiusMM: Double, slices: Range<Int>) throws -> MaskVolume {
        let ball = try StructuringBall(radiusMM: radiusMM, spacingMM: mask.grid.spacingMM)
        return dilate(mask, ball: ball, slices: slices)
    }

    /// Voxels whose ball of `radiusMM` lies inside the mask and inside the volume.
    public static func erode(_ mask: MaskVolume, radiusMM: Double) throws -> MaskVolume {
        let ball = try StructuringBall(radiusMM: radiusMM, spacingMM: mask.grid.spacingMM)
        return erode(mask, ball: ball)
    }

    /// Opening: dilate(erode(mask)). The dilation is written over `mask`'s voxels when the caller
    /// hands over the only reference (e.g. a fresh threshold mask): one fresh volume instead of two.
    public static func open(_ mask: consuming MaskVolume, radiusMM: Double) throws -> MaskVolume {
        let ball = try StructuringBall(radiusMM: radiusMM, spacingMM: mask.grid.spacingMM)
        let eroded = erode(mask, ball: ball)
        return dilate(eroded, ball: ball, selectingNonZero: true, reusing: consume mask)
    }

    /// ``open(_:radiusMM:)`` on slices `slices` of the mask only (`mask.grid.slab(slices)`): the
    /// erosion on every slice, the dilation only where it is asked for.
    static func open(_ mask: consuming MaskVolume, radiusMM: Double, slices: Range<Int>) throws -> MaskVolume {
        if slices == 0..<mask.grid.nz { return try open(consume mask, radiusMM: radiusMM) }
        let ball = try StructuringBall(radiusMM: radiusMM, spacingMM: mask.grid.spacingMM)
        return dilate(erode(mask, ball: ball), ball: ball, slices: slices)
    }

    /// ``open(_:radiusMM:slices:)`` of a mask that continues beyond its first slice (`continuingBelow`)
    /// and/or its last slice (`continuingAbove`) as copies of that end slice, as a patient continues
    /// beyond the ends of a scan: those sides are not eroded from the border (x and y borders still are).
    /// Computed on the mask with twice the ball's z half extent of replicated end slices added on those
    /// sides (the opening's reach), so it equals the opening of the endlessly continued mask on `slices`;
    /// a slab whose extended slices stop short of a volume end passes false there (its halo is real data).
    static func open(_ mask: consuming MaskVolume, radiusMM: Double, slices: Range<Int>,
                     continuingBelow: Bool, continuingAbove: Bool) throws -> MaskVolume {
        let ball = try StructuringBall(radiusMM: radiusMM, spacingMM: mask.grid.spacingMM)
        let reach = MorphologyOperation.open.passes * ball.halfExtent.z
        let below = continuingBelow ? reach : 0, above = continuingAbove ? reach : 0
        if below == 0 && above == 0 { return try open(consume mask, radiusMM: radiusMM, slices: slices) }
        let g = mask.grid
        let padded = replicatingEndSlices(mask, below: below, above: above)
        let opened = try open(padded, radiusMM: radiusMM, slices: (slices.lowerBound + below)..<(slices.upperBound + below))
        return try MaskVolume(grid: g.slab(slices), voxels: opened.voxels)
    }

    /// `mask` with `below` copies of its first slice before it and `above` copies of its last slice after it.
    static func replicatingEndSlices(_ mask: MaskVolume, below: Int, above: Int) -> MaskVolume {
        let g = mask.grid
        let s = g.sliceCount
        // The origin only places the padded slices; callers keep the voxels, not the grid.
        let pg = try! Grid(nx: g.nx, ny: g.ny, nz: g.nz + below + above, spacingMM: g.spacingMM,
                           originMM: g.originMM - SIMD3(0, 0, Double(below) * g.spacingMM.z))
        return mask.withUnsafeBufferPointer { m in
            MaskVolume.written(grid: pg) { out, _ in
                let src = m.baseAddress!
                for z in 0..<below { (out + z &* s).update(from: src, count: s) }
                (out + below &* s).update(from: src, count: m.count)
                let last = src + (g.nz &- 1) &* s
                for z in 0..<above { (out + (below &+ g.nz &+ z) &* s).update(from: last, count: s) }
            }
        }
    }

    /// Closing on the background-padded lattice: erode(dilate(mask)) without border erosion.
    public static func close(_ mask: MaskVolume, radiusMM: Double) throws -> MaskVolume {
        let ball = try StructuringBall(radiusMM: radiusMM, spacingMM: mask.grid.spacingMM)
        let e = ball.halfExtent
        let padded = try pad(mask, by: e)
        let closed = erode(dilate(padded, ball: ball, selectingNonZero: true), ball: ball)
        return crop(closed, by: e, to: mask.grid)
    }

    /// Closing of each axial slice with the in-plane disk of `radiusMM` (no halo needed on slabs).
    ///
    /// Computed as ``close(_:radiusMM:)`` on the same voxels with a slice spacing beyond the radius,
    /// where the ball has no z offsets, so slices do not interact.
    public static func closeSlices(_ mask: MaskVolume, radiusMM: Double) throws -> MaskVolume {
        let g = mask.grid
        let flat = try Grid(nx: g.nx, ny: g.ny, nz: g.nz,
                            spacingMM: SIMD3(g.spacingMM.x, g.spacingMM.y, 2 * radiusMM + g.spacingMM.z), originMM: g.originMM)
        let closed = try close(try MaskVolume(grid: flat, voxels: mask.voxels), radiusMM: radiusMM)
        return try MaskVolume(grid: g, voxels: closed.voxels)
    }

    /// Applies `operation` with a ball of `radiusMM`.
    public static func apply(_ operation: MorphologyOperation, to mask: MaskVolume, radiusMM: Double) throws -> MaskVolume {
        switch operation {
        case .dilate: return try dilate(mask, radiusMM: radiusMM)
        case .erode: return try erode(mask, radiusMM: radiusMM)
        case .open: return try open(mask, radiusMM: radiusMM)
        case .close: return try close(mask, radiusMM: radiusMM)
        }
    }

    /// Halo depth in slices that makes `operation` exact on a slab's core: the ball's half extent
    /// along z (⌊r / s_z⌋ up to the ball tolerance, never more than ⌈r / s_z⌉), twice that for
    /// open and close.
    public static func haloSlices(for operation: MorphologyOperation, radiusMM: Double, spacingMM: SIMD3<Double>) throws -> Int {
        operation.passes * (try StructuringBall(radiusMM: radiusMM, spacingMM: spacingMM)).halfExtent.z
    }

    /// { x : d(x, S) ≤ r } where S is the set of voxels whose non-zero-ness equals `selectingNonZero`;
    /// written into `storage` (a volume on the same grid whose voxels are no longer needed) when given.
    static func dilate(_ mask: MaskVolume, ball: StructuringBall, selectingNonZero: Bool, reusing storage: consuming MaskVolume? = nil) -> MaskVolume {
        if selectingNonZero, let plan = BallKernel.Plan(ball) { return boxed(mask, plan, eroding: false, reusing: consume storage) }
        var distance = Volume<Double>(grid: mask.grid)
        DistanceTransform.squaredDistances(to: mask, selectingNonZero: selectingNonZero, into: &distance)
        let limit = ball.limitMM2
        var out = MaskVolume(grid: mask.grid)
        distance.withUnsafeBufferPointer { d in
            out.withUnsafeMutableBufferPointer { o in
                var i = 0
                while i < d.count { o[i] = d[i] <= limit ? 1 : 0; i &+= 1 }
            }
        }
        return out
    }

    /// { x : d(x, M) ≤ r } on slices `slices` of `mask` (a volume on `mask.grid.slab(slices)`).
    static func dilate(_ mask: MaskVolume, ball: StructuringBall, slices: Range<Int>) -> MaskVolume {
        let g = mask.grid
        precondition(slices.lowerBound >= 0 && slices.upperBound <= g.nz && !slices.isEmpty, "slices \(slices) outside 0..<\(g.nz)")
        guard let plan = BallKernel.Plan(ball) else {
            let full = dilate(mask, ball: ball, selectingNonZero: true)
            return slices == 0..<g.nz ? full : full.slab(slices)
        }
        if slices == 0..<g.nz { return boxed(mask, plan, eroding: false) }
        let og = g.slab(slices)
        return mask.withUnsafeBufferPointer { m in
            let src = m.baseAddress!
            guard let found = ForegroundBox.of(src, nx: g.nx, ny: g.ny, nz: g.nz) else { return MaskVolume.written(grid: og) { $0.update(repeating: 0, count: $1) } }
            let box = ForegroundBox.grown(found, by: SIMD3(plan.reach, plan.reach, plan.reachZ), nx: g.nx, ny: g.ny, nz: g.nz)
            // Output slices inside the box (beyond it nothing is reached), the input slices they can reach.
            let lo = max(box.lower.z, slices.lowerBound), hi = min(box.upper.z + 1, slices.upperBound)
            guard lo < hi else { return MaskVolume.written(grid: og) { $0.update(repeating: 0, count: $1) } }
            let inLo = max(box.lower.z, lo - plan.reachZ), inHi = min(box.upper.z + 1, hi + plan.reachZ)
            let inBox = VoxelBox(lower: SIMD3(box.lower.x, box.lower.y, inLo), upper: SIMD3(box.upper.x, box.upper.y, inHi - 1))
            if ForegroundBox.fillsMost(inBox, nx: g.nx, ny: g.ny, nz: inHi - inLo) {
                // Whole slices: the kernel reads the mask in place.
                return MaskVolume.written(grid: og) { out, _ in
                    BallKernel.reach(mask: src, selectingNonZero: true, outsideSelected: false,
                                     into: out, nx: g.nx, ny: g.ny, nz: g.nz, plan: plan, slices: slices)
                }
            }
            let s = inBox.size
            let crop = UnsafeMutablePointer<UInt8>.allocate(capacity: s.x &* s.y &* s.z)
            let reached = UnsafeMutablePointer<UInt8>.allocate(capacity: s.x &* s.y &* (hi &- lo))
            defer { crop.deallocate(); reached.deallocate() }
            ForegroundBox.extract(src, nx: g.nx, ny: g.ny, box: inBox, into: crop)
            BallKernel.reach(mask: crop, selectingNonZero: true, outsideSelected: false,
                             into: reached, nx: s.x, ny: s.y, nz: s.z, plan: plan, slices: (lo - inLo)..<(hi - inLo))
            let outBox = VoxelBox(lower: SIMD3(box.lower.x, box.lower.y, lo - slices.lowerBound),
                                  upper: SIMD3(box.upper.x, box.upper.y, hi - 1 - slices.lowerBound))
            return ForegroundBox.placed(reached, box: outBox, on: og)
        }
    }

    /// Complement of the dilation of the background, the lattice outside the volume included:
    /// a voxel within r of the volume's outside (one voxel beyond a face) is cleared.
    static func erode(_ mask: MaskVolume, ball: StructuringBall) -> MaskVolume {
        if let plan = BallKernel.Plan(ball) { return boxed(mask, plan, eroding: true) }
        let g = mask.grid
        var out = dilate(mask, ball: ball, selectingNonZero: false)
        // The nearest outside lattice point lies straight across the nearest face: voxel i along an
        // axis of n voxels is (i + 1) or (n − i) voxels from it.
        let e = ball.halfExtent
        out.withUnsafeMutableBufferPointer { o in
            for z in 0..<g.nz {
                let zNear = z < e.z || z >= g.nz - e.z
                for y in 0..<g.ny {
                    let row = (z &* g.ny &+ y) &* g.nx
                    let yzNear = zNear || y < e.y || y >= g.ny - e.y
                    for x in 0..<g.nx {
                        let i = row &+ x
                        let near = yzNear || x < e.x || x >= g.nx - e.x
                        o[i] = (o[i] == 0 && !near) ? 1 : 0
                    }
                }
            }
        }
        return out
    }

    /// Dilation or erosion through ``BallKernel`` inside the foreground's box: grown by the ball's
    /// half extent for a dilation (nothing beyond can be reached); as is for an erosion, whose
    /// result lies inside the foreground and for which everything beyond the box is background or
    /// outside the volume, i.e. selected. A box filling most of the volume is not worth the copies
    /// (``ForegroundBox/fillsMost(_:nx:ny:nz:)``): the whole volume is its own box, read and
    /// written in place, with the same result (beyond the box nothing is reached, or all is selected).
    /// The result goes into `storage`'s voxels when it is on the same grid (a copy only if still shared).
    static func boxed(_ mask: MaskVolume, _ plan: BallKernel.Plan, eroding: Bool, reusing storage: consuming MaskVolume? = nil) -> MaskVolume {
        let g = mask.grid
        var spare = storage?.grid == g ? consume storage : nil
        // A volume on g whose every voxel `write` sets: the spare one, else a fresh one.
        func result(_ write: (UnsafeMutablePointer<UInt8>, Int) -> Void) -> MaskVolume {
            guard var out = spare.take() else { return MaskVolume.written(grid: g, by: write) }
            out.withUnsafeMutableBufferPointer { write($0.baseAddress!, $0.count) }
            return out
        }
        return mask.withUnsafeBufferPointer { m in
            let src = m.baseAddress!
            guard var box = ForegroundBox.of(src, nx: g.nx, ny: g.ny, nz: g.nz) else { return result { $0.update(repeating: 0, count: $1) } }
            if !eroding { box = ForegroundBox.grown(box, by: SIMD3(plan.reach, plan.reach, plan.reachZ), nx: g.nx, ny: g.ny, nz: g.nz) }
            if ForegroundBox.fillsMost(box, nx: g.nx, ny: g.ny, nz: g.nz) {
                return result { out, n in
                    BallKernel.reach(mask: src, selectingNonZero: !eroding, outsideSelected: eroding,
                                     into: out, nx: g.nx, ny: g.ny, nz: g.nz, plan: plan)
                    if eroding { complement(out, n) }
                }
            }
            let s = box.size
            let n = s.x &* s.y &* s.z
            let crop = UnsafeMutablePointer<UInt8>.allocate(capacity: n)
            let reached = UnsafeMutablePointer<UInt8>.allocate(capacity: n)
            defer { crop.deallocate(); reached.deallocate() }
            ForegroundBox.extract(src, nx: g.nx, ny: g.ny, box: box, into: crop)
            BallKernel.reach(mask: crop, selectingNonZero: !eroding, outsideSelected: eroding,
                             into: reached, nx: s.x, ny: s.y, nz: s.z, plan: plan)
            if eroding { complement(reached, n) }
            return result { out, _ in ForegroundBox.place(reached, box: box, on: g, into: out) }
        }
    }

    /// Flips the `n` 0/1 values at `p`.
    private static func complement(_ p: UnsafeMutablePointer<UInt8>, _ n: Int) {
        var i = 0
        while i < n { p[i] ^= 1; i &+= 1 }
    }

    /// `mask` with `e` background voxels added on both sides of each axis.
    static func pad(_ mask: MaskVolume, by e: SIMD3<Int>) throws -> MaskVolume {
        let g = mask.grid
        let pg = try Grid(nx: g.nx + 2 * e.x, ny: g.ny + 2 * e.y, nz: g.nz + 2 * e.z, spacingMM: g.spacingMM,
                           originMM: g.originMM - SIMD3(Double(e.x), Double(e.y), Double(e.z)) * g.spacingMM)
        var out = MaskVolume(grid: pg)
        mask.withUnsafeBufferPointer { m in
            out.withUnsafeMutableBufferPointer { o in
                for z in 0..<g.nz {
                    for y in 0..<g.ny {
                        let src = (z &* g.ny &+ y) &* g.nx
                        let dst = pg.index(e.x, y &+ e.y, z &+ e.z)
                        for x in 0..<g.nx { o[dst &+ x] = m[src &+ x] }
                    }
                }
            }
        }
        return out
    }

    /// The inverse of ``pad(_:by:)``: the voxels of `padded` that lie on `grid`.
    static func crop(_ padded: MaskVolume, by e: SIMD3<Int>, to grid: Grid) -> MaskVolume {
        var out = MaskVolume(grid: grid)
        padded.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { o in
                for z in 0..<grid.nz {
                    for y in 0..<grid.ny {
                        let src = padded.grid.index(e.x, y &+ e.y, z &+ e.z)
                        let dst = (z &* grid.ny &+ y) &* grid.nx
                        for x in 0..<grid.nx { o[dst &+ x] = p[src &+ x] }
                    }
                }
            }
        }
        return out
    }
}
