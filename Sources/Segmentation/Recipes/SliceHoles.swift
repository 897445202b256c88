import Core

/// Holes of a mask in each axial slice (background 4-connected components not touching the
/// slice edges), selected by their area and mean CT number.
enum SliceHoles {
    /// The voxels of the 2D holes of `mask` for which `keep(voxelCount, meanHU)` holds.
    ///
    /// Each slice is labelled inside its foreground's box grown by one pixel (clipped to the
    /// slice): the background beyond it reaches the slice edges, so the holes are the box's
    /// background components touching none of the box's edges.
    static func select(in mask: MaskVolume, ct: CTVolume, where keep: (Int, Double) -> Bool) throws -> MaskVolume {
        let g = mask.grid
        let s = g.sliceCount
        var out = MaskVolume(grid: g)
        let crop = UnsafeMutablePointer<UInt8>.allocate(capacity: s)
        let labels = UnsafeMutablePointer<Int32>.allocate(capacity: s)
        defer { crop.deallocate(); labels.deallocate() }
        try mask.withUnsafeBufferPointer { m in
            try ct.withUnsafeBufferPointer { c in
                try out.withUnsafeMutableBufferPointer { o in
                    for z in 0..<g.nz {
                        let base = z * s
                        guard let tight = ForegroundBox.of(m.baseAddress! + base, nx: g.nx, ny: g.ny, nz: 1) else { continue }
                        let box = ForegroundBox.grown(tight, by: SIMD3(1, 1, 0), nx: g.nx, ny: g.ny, nz: 1)
                        let w = box.size.x, h = box.size.y
                        ForegroundBox.extract(m.baseAddress! + base, nx: g.nx, ny: g.ny, box: box, into: crop)
                        let sums = try LabelKernel.run(mask: crop, labels: labels, nx: w, ny: h, nz: 1,
                                                       zOffset: 0, connectivity: .six, labelNonZero: false)
                        let n = sums.componentCount
                        if n == 0 { continue }
                        var huSums = [Double](repeating: 0, count: n + 1)
                        for y in 0..<h {
                            let row = base + (box.lower.y + y) * g.nx + box.lower.x
                            for x in 0..<w where labels[y * w + x] > 0 { huSums[Int(labels[y * w + x])] += Double(c[row + x]) }
                        }
                        var chosen = [Bool](repeating: false, count: n + 1)
                        var any = false
                        for k in 0..<n {
                            let b = sums.boundingBoxes[(6 * k)..<(6 * k + 6)].map(Int.init)
                            let touchesEdge = b[0] == 0 || b[1] == 0 || b[3] == w - 1 || b[4] == h - 1
                            let count = Int(sums.voxelCounts[k])
                            chosen[k + 1] = !touchesEdge && keep(count, huSums[k + 1] / Double(count))
                            any = any || chosen[k + 1]
                        }
                        if !any { continue }
                        for y in 0..<h {
                            let row = base + (box.lower.y + y) * g.nx + box.lower.x
                            for x in 0..<w where chosen[Int(labels[y * w + x])] { o[row + x] = 1 }
                        }
                    }
                }
            }
        }
        return out
    }
}
