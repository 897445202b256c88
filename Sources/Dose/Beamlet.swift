/// A bixel: a square of the isocentre plane irradiated from the source of one beam.
///
/// `id` is the beamlet's column in the influence matrix and its random stream number.
public struct Beamlet: Sendable, Hashable, Codable {
    /// Stable index over the whole ``BeamGeometry`` (beam order, then v, then u increasing).
    public let id: Int
    /// Index of the beam in ``BeamGeometry/beams``.
    public let beamIndex: Int
    /// Bixel centre on the isocentre plane in the beam's-eye view, mm.
    public let uMM: Double, vMM: Double
    /// Bixel edge length on the isocentre plane, mm.
    public let widthMM: Double

    /// A beamlet; see the property docs for the meaning of each value.
    public init(id: Int, beamIndex: Int, uMM: Double, vMM: Double, widthMM: Double) {
        self.id = id; self.beamIndex = beamIndex
        self.uMM = uMM; self.vMM = vMM; self.widthMM = widthMM
    }
}
