import Core

/// Selection of connected components by size (keep the largest, drop small islands).
public enum ComponentFilter {
    /// Labels of the `count` largest components: by voxel count descending, ties broken by the
    /// smaller label. Fewer labels when there are fewer components.
    public static func largestLabels(_ components: [ComponentStatistics], count: Int) throws -> [Int32] {
        guard count >= 0 else { throw SegmentationError.invalidLimit("number of components to keep must be ≥ 0, got \(count)") }
        let ranked = components.sorted { ($0.voxelCount, -$0.label) > ($1.voxelCount, -$1.label) }
        return ranked.prefix(count).map(\.label)
    }

    /// The 0/1 mask of the voxels whose label is in `keeping`.
    public static func mask(_ labels: LabelVolume, keeping: Set<Int32>) -> MaskVolume {
        var out = MaskVolume(grid: labels.grid)
        let maxLabel = max(0, Int(keeping.max() ?? 0))
        var selected = [Bool](repeating: false, count: maxLabel + 1)
        for l in keeping where l > 0 { selected[Int(l)] = true }
        labels.withUnsafeBufferPointer { l in
            out.withUnsafeMutableBufferPointer { o in
                selected.withUnsafeBufferPointer { s in
                    var i = 0
                    while i < l.count {
                        let v = Int(l[i])
                        o[i] = (v > 0 && v <= maxLabel && s[v]) ? 1 : 0
                        i &+= 1
                    }
                }
            }
        }
        return out
    }

    /// The `count` largest components of `mask` (see ``largestLabels(_:count:)`` for ties).
    public static func keepLargest(_ mask: MaskVolume, count: Int = 1, connectivity: Connectivity) throws -> MaskVolume {
        let labelling = try ConnectedComponents.label(mask, connectivity: connectivity)
        return self.mask(labelling.labels, keeping: Set(try largestLabels(labelling.components, count: count)))
    }

    /// `mask` without the components of fewer than `minVoxelCount` voxels.
    public static func removeSmall(_ mask: MaskVolume, minVoxelCount: Int, connectivity: Connectivity) throws -> MaskVolume {
        guard minVoxelCount >= 0 else { throw SegmentationError.invalidLimit("minimum voxel count must be ≥ 0, got \(minVoxelCount)") }
        return try keeping(mask, connectivity: connectivity) { $0.voxelCount >= minVoxelCount }
    }

    /// `mask` without the components smaller than `minVolumeCC` cm³.
    public static func removeSmall(_ mask: MaskVolume, minVolumeCC: Double, connectivity: Connectivity) throws -> MaskVolume {
        guard minVolumeCC.isFinite, minVolumeCC >= 0 else { throw SegmentationError.invalidLimit("minimum volume must be finite and ≥ 0 cm³, got \(minVolumeCC)") }
        return try keeping(mask, connectivity: connectivity) { $0.volumeCC >= minVolumeCC }
    }

    /// The components of `mask` for which `predicate` holds.
    static func keeping(_ mask: MaskVolume, connectivity: Connectivity, where predicate: (ComponentStatistics) -> Bool) throws -> MaskVolume {
        let labelling = try ConnectedComponents.label(mask, connectivity: connectivity)
        return self.mask(labelling.labels, keeping: Set(labelling.components.filter(predicate).map(\.label)))
    }
}
