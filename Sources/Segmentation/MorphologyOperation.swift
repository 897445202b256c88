/// The four binary morphology operations with a ball structuring element.
public enum MorphologyOperation: String, Sendable, Hashable, Codable, CaseIterable {
    /// Voxels within r of the mask.
    case dilate
    /// Voxels whose whole ball lies in the mask (outside the volume counts as background).
    case erode
    /// Erosion then dilation: removes parts thinner than the ball.
    case open
    /// Dilation then erosion, on the volume padded with background: fills gaps narrower than the ball.
    case close

    /// Number of ball applications (1 for dilate/erode, 2 for open/close).
    var passes: Int { self == .open || self == .close ? 2 : 1 }
}
