/// Two-pass connected-component labelling on row runs (intervals of selected voxels) with union-find.
///
/// Pass 1 scans the rows in z-major raster order and cuts each into runs (eight bytes at a time
/// across uniform stretches). A run touches the runs of the earlier neighbouring rows it overlaps:
/// the row above for `.six` (4-neighbours in a slice), also the rows of the previous slice at
/// y − 1, y, y + 1 for `.twentySix`, with overlap widened by one voxel for edge and corner
/// neighbours; the previous slice's row y alone for `.six`. It takes the root of the runs it
/// touches (merging them; the smaller provisional label becomes the root) or a new provisional
/// label. A component's first voxel always opens a new provisional label (nothing earlier touches
/// it) and roots are minimal, so numbering roots in increasing order numbers components in raster
/// order of their first voxel, exactly as a voxel-by-voxel scan does. Pass 2 writes the final
/// labels run by run and accumulates ``ComponentSums`` from the run ends.
enum LabelKernel {
    /// Labels the voxels of `mask` (`nx·ny·nz` values) whose non-zero-ness equals `labelNonZero`
    /// into `labels` (same size, every entry written). Indices in the sums are offset by `xOffset`,
    /// `yOffset` and `zOffset` (the position of the block in a larger volume).
    static func run(
        mask: UnsafePointer<UInt8>, labels: UnsafeMutablePointer<Int32>,
        nx: Int, ny: Int, nz: Int, xOffset: Int = 0, yOffset: Int = 0, zOffset: Int,
        connectivity: Connectivity, labelNonZero: Bool = true
    ) throws -> ComponentSums {
        let rows = ny &* nz
        let n = nx &* rows
        if n >= Int(Int32.max) {
            var selected = 0
            for i in 0..<n where (mask[i] != 0) == labelNonZero { selected &+= 1 }
            guard selected < Int(Int32.max) else { throw SegmentationError.labelOverflow(foregroundVoxels: selected) }
        }
        // At most ⌈nx / 2⌉ runs per row; the buffers are only touched as far as runs exist.
        let capacity = max(1, rows &* ((nx &+ 1) / 2))
        let start = UnsafeMutablePointer<Int32>.allocate(capacity: capacity)
        let end = UnsafeMutablePointer<Int32>.allocate(capacity: capacity)
        let runLabel = UnsafeMutablePointer<Int32>.allocate(capacity: capacity)
        let parent = UnsafeMutablePointer<Int32>.allocate(capacity: capacity &+ 1)
        let rowFirst = UnsafeMutablePointer<Int>.allocate(capacity: rows &+ 1)
        defer { start.deallocate(); end.deallocate(); runLabel.deallocate(); parent.deallocate(); rowFirst.deallocate() }
        parent[0] = 0
        var provisional: Int32 = 0
        var runs = 0

        @inline(__always) func find(_ label: Int32) -> Int32 {
            var r = label
            while parent[Int(r)] != r {
                let g = parent[Int(parent[Int(r)])]
                parent[Int(r)] = g
                r = g
            }
            return r
        }

        // Earlier neighbouring rows of row (y, z): their run ranges and a cursor each.
        let widen: Int32 = connectivity == .six ? 0 : 1
        var cursor = (0, 0, 0, 0), limit = (0, 0, 0, 0)
        for z in 0..<nz {
            for y in 0..<ny {
                let r = z &* ny &+ y
                rowFirst[r] = runs
                runs = cutRuns(mask + r &* nx, nx: nx, selectingNonZero: labelNonZero, start: start, end: end, count: runs)
                var neighbours = 0
                @inline(__always) func add(_ q: Int) {
                    let range = (rowFirst[q], rowFirst[q &+ 1])
                    switch neighbours {
                    case 0: (cursor.0, limit.0) = range
                    case 1: (cursor.1, limit.1) = range
                    case 2: (cursor.2, limit.2) = range
                    default: (cursor.3, limit.3) = range
                    }
                    neighbours &+= 1
                }
                rowFirst[r &+ 1] = runs
                if y > 0 { add(r &- 1) }
                if z > 0 {
                    add(r &- ny)
                    if connectivity == .twentySix {
                        if y > 0 { add(r &- ny &- 1) }
                        if y < ny &- 1 { add(r &- ny &+ 1) }
                    }
                }
                var k = rowFirst[r]
                while k < runs {
                    let lo = start[k] &- widen, hi = end[k] &+ widen
                    var current: Int32 = 0
                    @inline(__always) func touch(_ c: inout Int, _ e: Int) {
                        while c < e && end[c] < lo { c &+= 1 }
                        var q = c
                        while q < e && start[q] <= hi {
                            let l = runLabel[q]
                            q &+= 1
                            if l == current { continue }
                            let root = find(l)
                            if current == 0 {
                                current = root
                            } else if root < current {
                                parent[Int(current)] = root
                                current = root
                            } else if root > current {
                                parent[Int(root)] = current
                            }
                        }
                    }
                    if neighbours > 0 { touch(&cursor.0, limit.0) }
                    if neighbours > 1 { touch(&cursor.1, limit.1) }
                    if neighbours > 2 { touch(&cursor.2, limit.2) }
                    if neighbours > 3 { touch(&cursor.3, limit.3) }
                    if current == 0 {
                        provisional &+= 1
                        parent[Int(provisional)] = provisional
                        current = provisional
                    }
                    runLabel[k] = current
                    k &+= 1
                }
            }
        }

        // Roots in increasing order get final labels 1, 2, …; parent[l] < l for non-roots, whose
        // entry is already final when l is reached.
        var components: Int32 = 0
        var l = 1
        while l <= Int(provisional) {
            let p = parent[l]
            if p == Int32(l) {
                components &+= 1
                parent[l] = components
            } else {
                parent[l] = parent[Int(p)]
            }
            l &+= 1
        }

        var sums = ComponentSums(componentCount: Int(components))
        sums.withUnsafeMutablePointers { count, indexSum, box in
            for z in 0..<nz {
                let gz = Int64(z &+ zOffset), gz32 = Int32(truncatingIfNeeded: z &+ zOffset)
                for y in 0..<ny {
                    let r = z &* ny &+ y
                    let row = labels + r &* nx
                    let gy = Int64(y &+ yOffset), gy32 = Int32(truncatingIfNeeded: y &+ yOffset)
                    var x = 0
                    for k in rowFirst[r]..<rowFirst[r &+ 1] {
                        let x0 = Int(start[k]), x1 = Int(end[k])
                        (row + x).update(repeating: 0, count: x0 &- x)
                        let f = parent[Int(runLabel[k])]
                        let length = x1 &- x0 &+ 1
                        (row + x0).update(repeating: f, count: length)
                        x = x1 &+ 1
                        let c = Int(f) &- 1
                        let len = Int64(length)
                        count[c] &+= len
                        let s = indexSum + 3 &* c
                        // Σ of x0…x1 plus the offset per voxel.
                        s[0] &+= Int64((x0 &+ x1) &* length / 2) &+ len &* Int64(xOffset)
                        s[1] &+= len &* gy
                        s[2] &+= len &* gz
                        let b = box + 6 &* c
                        let gx0 = Int32(truncatingIfNeeded: x0 &+ xOffset), gx1 = Int32(truncatingIfNeeded: x1 &+ xOffset)
                        if gx0 < b[0] { b[0] = gx0 }
                        if gy32 < b[1] { b[1] = gy32 }
                        if gz32 < b[2] { b[2] = gz32 }
                        if gx1 > b[3] { b[3] = gx1 }
                        if gy32 > b[4] { b[4] = gy32 }
                        if gz32 > b[5] { b[5] = gz32 }
                    }
                    (row + x).update(repeating: 0, count: nx &- x)
                }
            }
        }
        return sums
    }

    /// Appends the runs of selected bytes of one row of `nx` bytes (first and last x) at index
    /// `count` of `start` and `end`; returns the new count. Uniform stretches are skipped eight bytes at a time.
    @inline(__always)
    static func cutRuns(_ row: UnsafePointer<UInt8>, nx: Int, selectingNonZero: Bool,
                        start: UnsafeMutablePointer<Int32>, end: UnsafeMutablePointer<Int32>, count: Int) -> Int {
        var runs = count
        var x = 0
        while x < nx {
            x = selectingNonZero ? skipZeros(row, from: x, nx: nx) : skipNonZeros(row, from: x, nx: nx)
            if x >= nx { break }
            let first = x
            x = selectingNonZero ? skipNonZeros(row, from: x, nx: nx) : skipZeros(row, from: x, nx: nx)
            start[runs] = Int32(truncatingIfNeeded: first)
            end[runs] = Int32(truncatingIfNeeded: x &- 1)
            runs &+= 1
        }
        return runs
    }

    /// The first x ≥ `from` whose byte is non-zero, or `nx`.
    @inline(__always)
    static func skipZeros(_ row: UnsafePointer<UInt8>, from: Int, nx: Int) -> Int {
        var x = from
        let raw = UnsafeRawPointer(row)
        while x &+ 8 <= nx && raw.loadUnaligned(fromByteOffset: x, as: UInt64.self) == 0 { x &+= 8 }
        while x < nx && row[x] == 0 { x &+= 1 }
        return x
    }

    /// The first x ≥ `from` whose byte is zero, or `nx`.
    @inline(__always)
    static func skipNonZeros(_ row: UnsafePointer<UInt8>, from: Int, nx: Int) -> Int {
        var x = from
        let raw = UnsafeRawPointer(row)
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        while x &+ 8 <= nx {
            let v = raw.loadUnaligned(fromByteOffset: x, as: UInt64.self)
            // Non-zero when some byte of v is zero.
            if (v &- ones) & ~v & highs != 0 { break }
            x &+= 8
        }
        while x < nx && row[x] != 0 { x &+= 1 }
        return x
    }
}
