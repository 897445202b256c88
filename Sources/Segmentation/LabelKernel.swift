/// Two-pass connected-component labelling with union-find on raw buffers.
///
/// Pass 1 scans in z-major raster order, gives each voxel the root of its already-visited
/// neighbours' labels (merging them; the smaller provisional label becomes the root) or a new
/// provisional label. Because a component's first voxel always opens a new provisional label and
/// roots are minimal, numbering roots in increasing order numbers components in raster order of
/// their first voxel. Pass 2 writes the final labels and accumulates ``ComponentSums``.
enum LabelKernel {
    /// Labels the voxels of `mask` (`nx·ny·nz` values) whose non-zero-ness equals `labelNonZero`
    /// into `labels` (same size, every entry written). Indices in the sums are offset by `xOffset`,
    /// `yOffset` and `zOffset` (the position of the block in a larger volume).
    static func run(
        mask: UnsafePointer<UInt8>, labels: UnsafeMutablePointer<Int32>,
        nx: Int, ny: Int, nz: Int, xOffset: Int = 0, yOffset: Int = 0, zOffset: Int,
        connectivity: Connectivity, labelNonZero: Bool = true
    ) throws -> ComponentSums {
        let n = nx &* ny &* nz
        var selected = 0
        for i in 0..<n where (mask[i] != 0) == labelNonZero { selected &+= 1 }
        guard selected < Int(Int32.max) else { throw SegmentationError.labelOverflow(foregroundVoxels: selected) }

        let back = connectivity.backwardOffsets
        let linear = back.map { $0.x + nx * ($0.y + ny * $0.z) }
        // When the left neighbour is selected, it was already joined with every backward neighbour
        // that is also one of its own backward neighbours; only the others are visited then
        // (26-connectivity: the left one and the four at x + 1; 6-connectivity: all three).
        let left = SIMD3(-1, 0, 0)
        let afterLeft = [back.firstIndex(of: left)!] + back.indices.filter { back[$0] != left && !back.contains(back[$0] &- left) }
        let lists = [Array(back.indices), afterLeft]
        let parent = UnsafeMutablePointer<Int32>.allocate(capacity: selected + 1)
        defer { parent.deallocate() }
        parent[0] = 0
        var provisional: Int32 = 0

        @inline(__always) func find(_ label: Int32) -> Int32 {
            var r = label
            while parent[Int(r)] != r {
                let g = parent[Int(parent[Int(r)])]
                parent[Int(r)] = g
                r = g
            }
            return r
        }

        back.withUnsafeBufferPointer { off in
            linear.withUnsafeBufferPointer { lin in
                lists[0].withUnsafeBufferPointer { all in
                    lists[1].withUnsafeBufferPointer { pruned in
                        for z in 0..<nz {
                            for y in 0..<ny {
                                let row = (z &* ny &+ y) &* nx
                                let yzInterior = y > 0 && y < ny &- 1 && z > 0
                                for x in 0..<nx {
                                    let i = row &+ x
                                    if (mask[i] != 0) != labelNonZero { labels[i] = 0; continue }
                                    let interior = yzInterior && x > 0 && x < nx &- 1
                                    let visit = x > 0 && labels[i &- 1] != 0 ? pruned : all
                                    var current: Int32 = 0
                                    var j = 0
                                    while j < visit.count {
                                        let k = visit[j]
                                        defer { j &+= 1 }
                                        if !interior {
                                            let o = off[k]
                                            let xx = x &+ o.x, yy = y &+ o.y
                                            if xx < 0 || xx >= nx || yy < 0 || yy >= ny || z &+ o.z < 0 { continue }
                                        }
                                        let l = labels[i &+ lin[k]]
                                        if l == 0 || l == current { continue }
                                        let r = find(l)
                                        if current == 0 {
                                            current = r
                                        } else if r < current {
                                            parent[Int(current)] = r
                                            current = r
                                        } else if r > current {
                                            parent[Int(r)] = current
                                        }
                                    }
                                    if current == 0 {
                                        provisional &+= 1
                                        parent[Int(provisional)] = provisional
                                        current = provisional
                                    }
                                    labels[i] = current
                                }
                            }
                        }
                    }
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
                let gz = z &+ zOffset
                let gz32 = Int32(gz)
                for y in 0..<ny {
                    let row = (z &* ny &+ y) &* nx
                    let gy = y &+ yOffset
                    let y32 = Int32(gy)
                    for x in 0..<nx {
                        let i = row &+ x
                        let p = labels[i]
                        if p == 0 { continue }
                        let f = parent[Int(p)]
                        labels[i] = f
                        let c = Int(f) &- 1
                        count[c] &+= 1
                        let s = indexSum + 3 &* c
                        let gx = x &+ xOffset
                        s[0] &+= Int64(gx); s[1] &+= Int64(gy); s[2] &+= Int64(gz)
                        let b = box + 6 &* c
                        let x32 = Int32(gx)
                        if x32 < b[0] { b[0] = x32 }
                        if y32 < b[1] { b[1] = y32 }
                        if gz32 < b[2] { b[2] = gz32 }
                        if x32 > b[3] { b[3] = x32 }
                        if y32 > b[4] { b[4] = y32 }
                        if gz32 > b[5] { b[5] = gz32 }
                    }
                }
            }
        }
        return sums
    }
}
