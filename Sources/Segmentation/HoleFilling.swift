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
    public static func fill2D(_ mask: MaskVolume, backgroundConnectivity: Connectivity = .six) throws -> MaskVolume {
        let g = mask.grid
        var out = mask
        try fill(&out, nx: g.nx, ny: g.ny, nz: 1, slices: g.nz, border: .inPlane, connectivity: backgroundConnectivity)
        return out
    }

    /// Fills, in each of `slices` consecutive blocks of `nx·ny·nz` voxels, the background
    /// components whose bounding box touches none of the `border` faces of the block.
    static func fill(_ mask: inout MaskVolume, nx: Int, ny: Int, nz: Int, slices: Int, border: VolumeFaces, connectivity: Connectivity) throws {
        let block = nx * ny * nz
        let blockGrid = try Grid(nx: nx, ny: ny, nz: nz, spacingMM: mask.grid.spacingMM)
        var labels = [Int32](repeating: 0, count: block)
        try mask.withUnsafeMutableBufferPointer { m in
            try labels.withUnsafeMutableBufferPointer { l in
                for s in 0..<slices {
                    let start = m.baseAddress! + s * block
                    let sums = try LabelKernel.run(mask: start, labels: l.baseAddress!, nx: nx, ny: ny, nz: nz,
                                                   zOffset: 0, connectivity: connectivity, labelNonZero: false)
                    var isHole = [Bool](repeating: false, count: sums.componentCount + 1)
                    var anyHole = false
                    for c in 0..<sums.componentCount {
                        let faces = ComponentStatistics(index: c, sums: sums, grid: blockGrid).touchedFaces
                        isHole[c + 1] = faces.isDisjoint(with: border)
                        anyHole = anyHole || isHole[c + 1]
                    }
                    if !anyHole { continue }
                    isHole.withUnsafeBufferPointer { h in
                        var i = 0
                        while i < block {
                            if h[Int(l[i])] { start[i] = 1 }
                            i &+= 1
                        }
                    }
                }
            }
        }
    }
}
