import Core

/// A label map: 0 is background, 1…n number connected components.
public typealias LabelVolume = Volume<Int32>

/// The result of connected-component labelling: the label map and one statistics entry per label.
public struct ComponentLabelling: Sendable {
    /// Labels 1…n in raster (z-major) order of each component's first voxel; 0 = background.
    public let labels: LabelVolume
    /// `components[l - 1]` describes label `l`.
    public let components: [ComponentStatistics]
}
