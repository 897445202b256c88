/// A coplanar set of 6 MV photon beams sharing one isocentre, split into square bixels at the isocentre plane.
public struct BeamSetSpec: Hashable, Sendable {
    /// Gantry angles in degrees, each in [0, 360), distinct, 1…36 beams, in the order given.
    public var gantryDeg: [Double]
    /// Bixel (beamlet) edge length at the isocentre (default 5 mm, range [1, 20]).
    public var bixelMM: Double
    /// Isocentre in patient coordinates (LPS, mm); nil means the target's centre of mass.
    public var isocentreMM: SIMD3<Double>?
    /// Source-axis distance (default 1000 mm, range [500, 2000]).
    public var sadMM: Double
    /// Beam energy (only 6 MV).
    public var energy: BeamEnergy

    /// Creates a beam set; values are taken as given (ranges are checked by the parser).
    public init(gantryDeg: [Double], bixelMM: Double = 5, isocentreMM: SIMD3<Double>? = nil, sadMM: Double = 1000,
                energy: BeamEnergy = .mv6) {
        self.gantryDeg = gantryDeg
        self.bixelMM = bixelMM
        self.isocentreMM = isocentreMM
        self.sadMM = sadMM
        self.energy = energy
    }
}
