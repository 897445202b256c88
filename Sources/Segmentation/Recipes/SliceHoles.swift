import Core

/// Holes of a mask in each axial slice (background 4-connected components not touching the
/// slice edges), selected by their area and mean CT number.
enum SliceHoles {
    /// The voxels of the 2D holes of `mask` for which `keep(voxelCount, meanHU)` holds.
    static func select(in mask: MaskVolume, ct: CTVolume, where keep: (Int, Double) -> Bool) throws -> MaskVolume {
        let g = mask.grid
        let s = g.sliceCount
        var out = MaskVolume(grid: g)
        var labels = [Int32](repeating: 0, count: s)
        for z in 0..<g.nz {
            let base = z * s
            let sums = try mask.withUnsafeBufferPointer { m in
                try labels.withUnsafeMutableBufferPointer { l in
                    try LabelKernel.run(mask: m.baseAddress! + base, labels: l.baseAddress!, nx: g.nx, ny: g.ny, nz: 1,
                                        zOffset: 0, connectivity: .six, labelNonZero: false)
                }
            }
            let n = sums.componentCount
            if n == 0 { continue }
            var huSums = [Double](repeating: 0, count: n + 1)
            ct.withUnsafeBufferPointer { c in
                for i in 0..<s where labels[i] > 0 { huSums[Int(labels[i])] += Double(c[base + i]) }
            }
            var chosen = [Bool](repeating: false, count: n + 1)
            for c in 0..<n {
                let b = sums.boundingBoxes[(6 * c)..<(6 * c + 6)].map(Int.init)
                let touchesEdge = b[0] == 0 || b[1] == 0 || b[3] == g.nx - 1 || b[4] == g.ny - 1
                let count = Int(sums.voxelCounts[c])
                chosen[c + 1] = !touchesEdge && keep(count, huSums[c + 1] / Double(count))
            }
            out.withUnsafeMutableBufferPointer { o in
                for i in 0..<s where chosen[Int(labels[i])] { o[base + i] = 1 }
            }
        }
        return out
    }
}
