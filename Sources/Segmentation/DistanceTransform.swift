import Core

/// Euclidean distance maps of masks (margins, dilations, erosions).
public enum DistanceTransform {
    /// Squared distance in mm² from each voxel centre to the nearest non-zero voxel centre of
    /// `mask`, exact (separable Felzenszwalb–Huttenlocher transform with anisotropic spacing).
    ///
    /// Foreground voxels get 0; every voxel gets +∞ when the mask is empty. Only voxels inside the
    /// volume count. On a z-slab the values are exact on core voxels wherever the true distance is
    /// at most `halo × spacing_z`. O(N) time, 8 bytes per voxel.
    public static func squaredDistanceMM2(to mask: MaskVolume) -> Volume<Double> {
        var out = Volume<Double>(grid: mask.grid)
        squaredDistances(to: mask, selectingNonZero: true, into: &out)
        return out
    }

    /// Fills `out` (same grid) with the squared distances to the voxels whose non-zero-ness equals
    /// `selectingNonZero`.
    static func squaredDistances(to mask: MaskVolume, selectingNonZero: Bool, into out: inout Volume<Double>) {
        let g = mask.grid
        mask.withUnsafeBufferPointer { m in
            out.withUnsafeMutableBufferPointer { d in
                DistanceKernel.transform(mask: m.baseAddress!, selectingNonZero: selectingNonZero, into: d.baseAddress!,
                                         nx: g.nx, ny: g.ny, nz: g.nz, spacingMM: g.spacingMM)
            }
        }
    }
}
