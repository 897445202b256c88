import Core

/// Beams and their beamlets (bixels on the isocentre plane) for a plan or a forward calculation.
///
/// Bixel centres lie on a square lattice of pitch `bixelMM` through the isocentre (u, v = i·w, j·w).
/// Beamlet ids run over beams in order, then v, then u increasing, so they are deterministic.
public struct BeamGeometry: Sendable, Hashable, Codable {
    /// The beams.
    public let beams: [Beam]
    /// All beamlets; `beamlets[n].id == n`.
    public let beamlets: [Beamlet]
    /// Bixel width on the isocentre plane, mm.
    public let bixelMM: Double
    /// Standard deviation of the Gaussian focal spot in the plane normal to the beam, mm (0 = point source).
    public let focalSpotSigmaMM: Double

    /// Default focal spot: σ = 0.85 mm (FWHM 2.0 mm), inside the 0.5–3.4 mm FWHM that Jaffray et al.
    /// (Med Phys 20:1417, 1993) measured on nine linacs (see the module README).
    public static let defaultFocalSpotSigmaMM = 0.85
    /// Distance (mm) from the source to the effective collimating plane that defines the bixels' edges;
    /// a finite focal spot is seen through this aperture, so its blur at depth grows as (distance − 450)/450.
    public static let collimatorDistanceMM = 450.0

    /// Most beamlets a beam set may have: 2^18 (TG-119's 9 beams of 5 mm bixels have 2 610). Each beamlet's column of the
    /// influence matrix holds tens of thousands of non-zeros, so more do not fit a node.
    public static let maxBeamlets = 1 << 18

    /// Beamlets whose bixel, grown by `marginMM`, contains the projection of a target voxel centre. Where the target's
    /// voxels are wider than a bixel (in-plane spacing along u, slice spacing along v), each projected centre also
    /// counts out to half the voxel's width, so that no bixel between the centres of a coarse target is lost.
    /// Throws before listing any bixel when the bounding rectangles of the target's projections hold more than
    /// ``maxBeamlets`` bixels in all.
    /// - Parameters:
    ///   - gantryDeg: gantry angles, couch 0.
    ///   - target: target mask (nonzero voxels); its centre of mass is the isocentre unless `isocentreMM` is given.
    /// - Throws: ``DoseError`` for an empty target or invalid sizes.
    public static func covering(target: MaskVolume, gantryDeg: [Double], isocentreMM: SIMD3<Double>? = nil,
                                sadMM: Double = 1000, bixelMM: Double = 5, marginMM: Double = 5,
                                focalSpotSigmaMM: Double = defaultFocalSpotSigmaMM) throws -> BeamGeometry {
        guard bixelMM > 0, bixelMM.isFinite, marginMM >= 0, marginMM.isFinite else {
            throw DoseError.invalidParameter("bixel width must be positive and margin non-negative")
        }
        let points = targetPoints(target)
        guard !points.isEmpty else { throw DoseError.invalidTarget("target mask has no voxel") }
        let iso = isocentreMM ?? points.reduce(SIMD3<Double>.zero, +) / Double(points.count)
        let beams = try gantryDeg.map { try Beam(gantryDeg: $0, isocentreMM: iso, sadMM: sadMM) }
        // Half a bixel plus the margin, plus half of what a voxel is wider than a bixel: along u, projected centres of
        // neighbouring voxels lie at most the larger in-plane spacing apart at any gantry angle; along v, the slice spacing.
        let s = target.grid.spacingMM
        let voxelWidth = SIMD2(max(s.x, s.y), s.z)
        let reach = bixelMM / 2 + marginMM + pointwiseMax(voxelWidth - bixelMM, .zero) / 2
        // A bound of the bixel count from the bounding rectangles of the projections, before any bixel is listed: the
        // bixels whose grown squares meet the rectangle [lo, hi] number at most floor((hi − lo + 2·reach) / w) + 1 per axis.
        var bound = 0.0
        for beam in beams {
            var lo = SIMD2(Double.infinity, .infinity), hi = -lo
            for p in points {
                guard let uv = beam.projectToIsocentrePlane(p) else { continue }
                lo = pointwiseMin(lo, uv)
                hi = pointwiseMax(hi, uv)
            }
            guard lo.x <= hi.x else { continue }
            let cells = ((hi - lo + 2 * reach) / bixelMM).rounded(.down) + 1
            bound += cells.x * cells.y
        }
        guard bound <= Double(maxBeamlets) else {
            throw DoseError.invalidParameter(String(format: "the target's projections span up to %.3g beamlets of %g mm over %d beams, more than the %d a job may have (its influence matrix would not fit); use wider bixels or a smaller target",
                                                    bound, bixelMM, beams.count, maxBeamlets))
        }
        var lattices: [[SIMD2<Int>]] = []
        for beam in beams {
            var cells = Set<SIMD2<Int>>()
            for p in points {
                guard let uv = beam.projectToIsocentrePlane(p) else { continue }
                let lo = ((uv - reach) / bixelMM).rounded(.up), hi = ((uv + reach) / bixelMM).rounded(.down)
                for j in Int(lo.y)...Int(max(lo.y, hi.y)) where Double(j) <= hi.y {
                    for i in Int(lo.x)...Int(max(lo.x, hi.x)) where Double(i) <= hi.x { cells.insert(SIMD2(i, j)) }
                }
            }
            lattices.append(cells.sorted { ($0.y, $0.x) < ($1.y, $1.x) })
        }
        return try BeamGeometry(beams: beams, lattices: lattices, bixelMM: bixelMM, focalSpotSigmaMM: focalSpotSigmaMM)
    }

    /// An open rectangular field per beam: every bixel whose centre lies inside
    /// `fieldSizeMM` (u × v on the isocentre plane, centred on the axis) — e.g. 100 × 100 mm with 5 mm
    /// bixels gives 20 × 20 beamlets (centres at ±2.5 … ±47.5 mm when the count is even).
    public static func openField(gantryDeg: [Double], isocentreMM: SIMD3<Double>, fieldSizeMM: SIMD2<Double>,
                                 sadMM: Double = 1000, bixelMM: Double = 5,
                                 focalSpotSigmaMM: Double = defaultFocalSpotSigmaMM) throws -> BeamGeometry {
        guard bixelMM > 0, fieldSizeMM.x >= bixelMM, fieldSizeMM.y >= bixelMM else {
            throw DoseError.invalidParameter("field \(fieldSizeMM.x) × \(fieldSizeMM.y) mm must hold at least one \(bixelMM) mm bixel")
        }
        let beams = try gantryDeg.map { try Beam(gantryDeg: $0, isocentreMM: isocentreMM, sadMM: sadMM) }
        let nu = Int((fieldSizeMM.x / bixelMM + 1e-9).rounded(.down)), nv = Int((fieldSizeMM.y / bixelMM + 1e-9).rounded(.down))
        // Half-integer lattice offsets when the count is even keep the field centred on the axis.
        let ou = nu % 2 == 0 ? 0.5 : 0, ov = nv % 2 == 0 ? 0.5 : 0
        var out: [Beamlet] = []
        for b in beams.indices {
            for j in 0..<nv {
                for i in 0..<nu {
                    out.append(Beamlet(id: out.count, beamIndex: b, uMM: (Double(i - nu / 2) + ou) * bixelMM,
                                       vMM: (Double(j - nv / 2) + ov) * bixelMM, widthMM: bixelMM))
                }
            }
        }
        return try BeamGeometry(beams: beams, beamlets: out, bixelMM: bixelMM, focalSpotSigmaMM: focalSpotSigmaMM)
    }

    /// A geometry from explicit beams and beamlets (ids must be 0..<count in order).
    public init(beams: [Beam], beamlets: [Beamlet], bixelMM: Double, focalSpotSigmaMM: Double = defaultFocalSpotSigmaMM) throws {
        guard beamlets.enumerated().allSatisfy({ $0.offset == $0.element.id && beams.indices.contains($0.element.beamIndex) }) else {
            throw DoseError.invalidParameter("beamlet ids must be 0..<count in order and refer to existing beams")
        }
        guard focalSpotSigmaMM >= 0, focalSpotSigmaMM.isFinite else {
            throw DoseError.invalidParameter("focal spot sigma must be ≥ 0, got \(focalSpotSigmaMM) mm")
        }
        self.beams = beams
        self.beamlets = beamlets
        self.bixelMM = bixelMM
        self.focalSpotSigmaMM = focalSpotSigmaMM
    }

    init(beams: [Beam], lattices: [[SIMD2<Int>]], bixelMM: Double, focalSpotSigmaMM: Double) throws {
        var out: [Beamlet] = []
        for (b, cells) in lattices.enumerated() {
            for c in cells {
                out.append(Beamlet(id: out.count, beamIndex: b, uMM: Double(c.x) * bixelMM, vMM: Double(c.y) * bixelMM, widthMM: bixelMM))
            }
        }
        try self.init(beams: beams, beamlets: out, bixelMM: bixelMM, focalSpotSigmaMM: focalSpotSigmaMM)
    }

    /// Centres (mm) of the nonzero voxels of `mask`.
    static func targetPoints(_ mask: MaskVolume) -> [SIMD3<Double>] {
        let g = mask.grid
        let voxels = mask.voxels
        var out: [SIMD3<Double>] = []
        for k in 0..<g.nz {
            for j in 0..<g.ny {
                for i in 0..<g.nx where voxels[g.index(i, j, k)] != 0 { out.append(g.position(i, j, k)) }
            }
        }
        return out
    }
}
