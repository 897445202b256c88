/// Where the Monte Carlo correction's Gaussian filter averages (`correction_smoothing_regions`).
public enum CorrectionSmoothingRegions: String, CaseIterable, Hashable, Sendable, Codable {
    /// Over the whole body: a voxel's filtered correction mixes every body voxel within the kernel's reach.
    case body
    /// Within each structure: a voxel's filtered correction mixes only the body voxels of the same structure after
    /// overlap resolution (the body voxels in no structure form one more region), so the correction at a target's
    /// edge is not averaged with the different correction just outside it.
    case structures
}
