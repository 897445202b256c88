import Core

/// Connected-component labelling of binary masks.
public enum ConnectedComponents {
    /// Labels the connected components of the non-zero voxels of `mask`.
    ///
    /// Labels are canonical: 1, 2, … in z-major raster order of each component's first voxel, so
    /// the result depends only on the mask and the connectivity. O(N α(N)) time, 4 bytes per
    /// foreground voxel of scratch memory besides the Int32 label map.
    /// - Throws: ``SegmentationError/labelOverflow(foregroundVoxels:)`` beyond 2³¹ − 2 foreground voxels.
    public static func label(_ mask: MaskVolume, connectivity: Connectivity) throws -> ComponentLabelling {
        let g = mask.grid
        var labels = LabelVolume(grid: g)
        let sums = try mask.withUnsafeBufferPointer { m in
            try labels.withUnsafeMutableBufferPointer { l in
                try LabelKernel.run(mask: m.baseAddress!, labels: l.baseAddress!, nx: g.nx, ny: g.ny, nz: g.nz,
                                    zOffset: 0, connectivity: connectivity)
            }
        }
        return ComponentLabelling(labels: labels, components: ComponentStatistics.all(sums, grid: g))
    }
}
