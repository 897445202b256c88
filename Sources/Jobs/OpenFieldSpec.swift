/// An open rectangular field for a forward `dose` job: every beamlet whose bixel centre lies inside the
/// field, on every beam, at weight 1 (no target needed).
public struct OpenFieldSpec: Hashable, Sendable {
    /// Field size on the isocentre plane (beam's-eye-view u × v), mm; each in [bixel width, 400].
    public var fieldMM: SIMD2<Double>
    /// Source-to-surface distance along the central axis, mm ([500, `sad_mm`]); nil when the isocentre
    /// is given (`beams.isocentre_mm`) or is the target's centre of mass. With an SSD the isocentre lies
    /// `sad_mm − ssd_mm` below the surface the central axis (through the CT centre) enters first.
    public var ssdMM: Double?

    /// Creates an open field; values are taken as given (ranges are checked by the parser).
    public init(fieldMM: SIMD2<Double>, ssdMM: Double? = nil) {
        self.fieldMM = fieldMM
        self.ssdMM = ssdMM
    }
}
