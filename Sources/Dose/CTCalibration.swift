/// Conversion of CT numbers (HU) to mass density (g/cm³) and ``Material``.
///
/// Density is piecewise linear over HU segments (each with its own end values, so published
/// discontinuous curves are represented exactly); HU outside the table are clamped to its ends.
/// The material is the band whose upper HU bound is the first one above the CT number.
public struct CTCalibration: Sendable, Hashable {
    /// One linear piece of the HU → density curve on `[lowerHU, upperHU]`.
    public struct Segment: Sendable, Hashable {
        /// HU at the start and end of the piece.
        public let lowerHU: Double, upperHU: Double
        /// Mass density (g/cm³) at `lowerHU` and at `upperHU`.
        public let lowerDensity: Double, upperDensity: Double
        /// A linear piece; `lowerHU < upperHU`.
        public init(lowerHU: Double, upperHU: Double, lowerDensity: Double, upperDensity: Double) {
            self.lowerHU = lowerHU; self.upperHU = upperHU
            self.lowerDensity = lowerDensity; self.upperDensity = upperDensity
        }
    }

    /// Density pieces in increasing HU, contiguous.
    public let segments: [Segment]
    /// Materials with their exclusive upper HU bound, increasing; the last band takes everything above.
    public let materialBands: [(material: Material, upperHU: Double)]

    /// A calibration from density pieces and material bands.
    public init(segments: [Segment], materialBands: [(material: Material, upperHU: Double)]) throws {
        guard !segments.isEmpty, !materialBands.isEmpty,
              segments.allSatisfy({ $0.lowerHU < $0.upperHU && $0.lowerDensity > 0 && $0.upperDensity > 0 }),
              zip(segments, segments.dropFirst()).allSatisfy({ $0.upperHU == $1.lowerHU }),
              zip(materialBands, materialBands.dropFirst()).allSatisfy({ $0.upperHU < $1.upperHU }) else {
            throw DoseError.invalidParameter("CT calibration needs contiguous increasing HU segments with positive densities and increasing material bands")
        }
        self.segments = segments
        self.materialBands = materialBands
    }

    /// matRad's material bands (air −1024…−974, lung …−724, soft tissue …101, bone …1976 HU) with its
    /// mass density piecewise linear inside each band (0.001→0.044, 0.044→0.302, 0.302→1.101, 1.101→2.088 g/cm³).
    public static let matRad: CTCalibration = try! CTCalibration(
        segments: [
            Segment(lowerHU: -1024, upperHU: -974, lowerDensity: 0.001, upperDensity: 0.044),
            Segment(lowerHU: -974, upperHU: -724, lowerDensity: 0.044, upperDensity: 0.302),
            Segment(lowerHU: -724, upperHU: 101, lowerDensity: 0.302, upperDensity: 1.101),
            Segment(lowerHU: 101, upperHU: 1976, lowerDensity: 1.101, upperDensity: 2.088),
        ],
        materialBands: standardBands)

    /// Schneider, Bortfeld & Schlegel, Phys Med Biol 45:459 (2000): ρ = offset + factor·(HU + factorOffset)
    /// on sections with edges −1000, −98, 15, 23, 101, 2001 HU (last section to 3071 HU); materials from
    /// matRad's bands.
    public static let schneider2000: CTCalibration = {
        let edges: [Double] = [-1000, -98, 15, 23, 101, 2001, 3071]
        let offset = [0.00121, 1.018, 1.03, 1.003, 1.017, 2.201]
        let factor = [0.0010297, 0.000893, 0, 0.001169, 0.000592, 0.0005]
        let factorOffset: [Double] = [1000, 0, 1000, 0, 0, -2000]
        let segments = (0..<6).map { s in
            Segment(lowerHU: edges[s], upperHU: edges[s + 1],
                    lowerDensity: offset[s] + factor[s] * (edges[s] + factorOffset[s]),
                    upperDensity: offset[s] + factor[s] * (edges[s + 1] + factorOffset[s]))
        }
        return try! CTCalibration(segments: segments, materialBands: standardBands)
    }()

    /// matRad's material band edges: air < −974 ≤ lung < −724 ≤ soft tissue < 101 ≤ bone.
    public static let standardBands: [(material: Material, upperHU: Double)] = [
        (.air, -974), (.lung, -724), (.softTissue, 101), (.bone, .infinity),
    ]

    /// Mass density in g/cm³ at CT number `hu`.
    public func densityGPerCC(hu: Double) -> Double {
        let first = segments[0], last = segments[segments.count - 1]
        if hu <= first.lowerHU { return first.lowerDensity }
        if hu >= last.upperHU { return last.upperDensity }
        // Segments are contiguous, so the last one starting at or below hu contains it.
        let s = segments.last { $0.lowerHU <= hu }!
        return s.lowerDensity + (hu - s.lowerHU) / (s.upperHU - s.lowerHU) * (s.upperDensity - s.lowerDensity)
    }

    /// Material at CT number `hu`.
    public func material(hu: Double) -> Material {
        materialBands.first { hu < $0.upperHU }?.material ?? materialBands[materialBands.count - 1].material
    }

    public static func == (a: CTCalibration, b: CTCalibration) -> Bool {
        a.segments == b.segments && a.materialBands.elementsEqual(b.materialBands) { $0.material == $1.material && $0.upperHU == $1.upperHU }
    }

    public func hash(into h: inout Hasher) {
        h.combine(segments)
        for band in materialBands { h.combine(band.material); h.combine(band.upperHU) }
    }
}
