import Core

/// Filling of enclosed background (holes) in masks.
///
/// A hole is a connected component of background (zero voxels, joined with
/// `backgroundConnectivity`) that does not touch the border of the volume (3D) or of the axial
/// slice (2D). The default `.six` background connectivity is the usual dual of 26-connected
/// foreground: a background pocket closed by foreground touching only at edges or corners is still a
/// hole. O(N) time through the labelling kernel.
public enum HoleFilling {
    /// The mask with every 3D hole set to 1 (background not connected to any face of the volume).
    public static func fill3D(_ mask: MaskVolume, backgroundConnectivity: Connectivity = .six) throws -> MaskVolume {
        let g = mask.grid
        var out = mask
        try fill(&out, nx: g.nx, ny: g.ny, nz: g.nz, slices: 1, border: .all, connectivity: backgroundConnectivity)
        return out
    }

    /// The mask with, in each axial slice independently, every 2D hole set to 1 (background not
    /// connected to the slice's edges; `.six` means 4-neighbours, `.twentySix` 8-neighbours).
    ///
    /// Each slice is processed inside its foreground's box grown by one pixel (clipped to the
    /// slice): background beyond the box is connected to the slice edges, so a background
    /// component of the box is a hole exactly when it touches none of the box's edges.
    public static func fill2D(_ mask: consuming MaskVolume, backgroundConnectivity: Connectivity = .six) throws -> MaskVolume {
        let g = mask.grid
        var out = consume mask
        let crop = UnsafeMutablePointer<UInt8>.allocate(capacity: g.sliceCount)
        let labels = UnsafeMutablePointer<Int32>.allocate(capacity: g.sliceCount)
        defer { crop.deallocate(); labels.deallocate() }
        try out.withUnsafeMutableBufferPointer { m in
            for z in 0..<g.nz {
                let slice = m.baseAddress! + z * g.sliceCount
                guard let tight = ForegroundBox.of(slice, nx: g.nx, ny: g.ny, nz: 1) else { continue }
                let box = ForegroundBox.grown(tight, by: SIMD3(1, 1, 0), nx: g.nx, ny: g.ny, nz: 1)
                ForegroundBox.extract(slice, nx: g.nx, ny: g.ny, box: box, into: crop)
                if try fillBlock(crop, labels: labels, nx: box.size.x, ny: box.size.y, nz: 1, border: .inPlane, connectivity: backgroundConnectivity) {
                    ForegroundBox.insert(crop, nx: g.nx, ny: g.ny, box: box, into: slice)
                }
            }
        }
        return out
    }

    /// Fills, in each of `slices` consecutive blocks of `nx·ny·nz` voxels, the background
    /// components whose bounding box touches none of the `border` faces of the block.
    static func fill(_ mask: inout MaskVolume, nx: Int, ny: Int, nz: Int, slices: Int, border: VolumeFaces, connectivity: Connectivity) throws {
        let block = nx * ny * nz
        let labels = UnsafeMutablePointer<Int32>.allocate(capacity: block)
        defer { labels.deallocate() }
        try mask.withUnsafeMutableBufferPointer { m in
            for s in 0..<slices {
                _ = try fillBlock(m.baseAddress! + s * block, labels: labels, nx: nx, ny: ny, nz: nz, border: border, connectivity: connectivity)
            }
        }
    }

    /// Fills the holes of one dense `nx·ny·nz` block in place (`labels`: scratch of the block's
    /// size); returns whether any voxel changed.
    static func fillBlock(_ start: UnsafeMutablePointer<UInt8>, labels l: UnsafeMutablePointer<Int32>, nx: Int, ny: Int, nz: Int,
                          border: VolumeFaces, connectivity: Connectivity) throws -> Bool {
        let block = nx &* ny &* nz
        let sums = try LabelKernel.run(mask: start, labels: l, nx: nx, ny: ny, nz: nz,
                                       zOffset: 0, connectivity: connectivity, labelNonZero: false)
        var isHole = [Bool](repeating: false, count: sums.componentCount + 1)
        var anyHole = false
        for c in 0..<sums.componentCount {
            let b = sums.boundingBoxes[(6 * c)..<(6 * c + 6)].map(Int.init)
            var touched: VolumeFaces = []
            if b[0] == 0 { touched.insert(.xMin) }
            if b[3] == nx - 1 { touched.insert(.xMax) }
            if b[1] == 0 { touched.insert(.yMin) }
            if b[4] == ny - 1 { touched.insert(.yMax) }
            if b[2] == 0 { touched.insert(.zMin) }
            if b[5] == nz - 1 { touched.insert(.zMax) }
            isHole[c + 1] = touched.isDisjoint(with: border)
            anyHole = anyHole || isHole[c + 1]
        }
        if !anyHole { return false }
        isHole.withUnsafeBufferPointer { h in
            var i = 0
            while i < block {
                if h[Int(l[i])] { start[i] = 1 }
                i &+= 1
            }
        }
        return true
    }
}
