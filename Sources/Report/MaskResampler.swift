import Core

/// Brings a structure mask onto another grid (e.g. a CT-grid mask onto the dose grid).
public enum MaskResampler {
    /// `mask` sampled at the voxel centres of `grid` (nearest voxel; 0 outside the mask's grid).
    /// Returns `mask` unchanged when the grids are equal.
    public static func nearest(_ mask: MaskVolume, onto grid: Grid) -> MaskVolume {
        if mask.grid == grid { return mask }
        var out = MaskVolume(grid: grid)
        let source = mask.voxels
        out.withUnsafeMutableBufferPointer { target in
            for z in 0..<grid.nz { for y in 0..<grid.ny { for x in 0..<grid.nx {
                if let i = VolumeSampler.nearestIndex(mask.grid, grid.position(x, y, z)), source[i] != 0 {
                    target[grid.index(x, y, z)] = 1
                }
            } } }
        }
        return out
    }
}
