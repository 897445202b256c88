import Core
@testable import Dose
import Testing

/// Primary rays of a beamlet: point source, Gaussian focal spot seen through the collimating plane.
struct BeamletSourceTests {
    static let beam = try! Beam(gantryDeg: 40, isocentreMM: SIMD3(10, -20, 5))
    static let beamlet = Beamlet(id: 0, beamIndex: 0, uMM: 7.5, vMM: -2.5, widthMM: 5)

    /// (u, v) of the point where the ray crosses the plane normal to the central axis at `distanceMM` from the source.
    static func crossing(_ ray: (positionMM: SIMD3<Double>, direction: SIMD3<Double>), distanceMM: Double) -> SIMD2<Double> {
        let axis = beam.directionLPS
        let t = (distanceMM - ((ray.positionMM - beam.sourceMM) * axis).sum()) / (ray.direction * axis).sum()
        let p = ray.positionMM + t * ray.direction - (beam.sourceMM + distanceMM * axis)
        return SIMD2((p * beam.uAxis).sum(), (p * beam.vAxis).sum())
    }

    @Test("Point source: every ray starts at the source and hits its bixel on the isocentre plane (1e-9 mm)")
    func pointSource() {
        let source = BeamletSource(beam: Self.beam, beamlet: Self.beamlet, focalSpotSigmaMM: 0)
        var rng = RandomStream(seed: 1)
        for _ in 0..<2000 {
            let ray = source.sample(using: &rng)
            #expect(simd_distance(ray.positionMM, Self.beam.sourceMM) < 1e-9)
            let uv = Self.crossing(ray, distanceMM: 1000)
            #expect(abs(uv.x - 7.5) <= 2.5 + 1e-9 && abs(uv.y + 2.5) <= 2.5 + 1e-9, "\(uv)")
        }
    }

    @Test("Focal spot σ = 2 mm: rays pass the aperture on the collimating plane (1e-9 mm); at 1100 mm the u spread is the projected bixel ⊕ the magnified spot (3 %)")
    func focalSpotBlur() {
        let sigma = 2.0, scd = BeamGeometry.collimatorDistanceMM, l = 1100.0
        let source = BeamletSource(beam: Self.beam, beamlet: Self.beamlet, focalSpotSigmaMM: sigma)
        var rng = RandomStream(seed: 2)
        let n = 40_000
        var sum = 0.0, sumSquares = 0.0
        for _ in 0..<n {
            let ray = source.sample(using: &rng)
            let a = Self.crossing(ray, distanceMM: scd) * (1000 / scd)
            #expect(abs(a.x - 7.5) <= 2.5 + 1e-9 && abs(a.y + 2.5) <= 2.5 + 1e-9, "aperture crossing \(a)")
            let u = Self.crossing(ray, distanceMM: l).x
            sum += u; sumSquares += u * u
        }
        let mean = sum / Double(n), variance = sumSquares / Double(n) - mean * mean
        let bixel = 5 * l / 1000, blur = sigma * (l - scd) / scd
        let expected = bixel * bixel / 12 + blur * blur
        #expect(abs(mean - 7.5 * l / 1000) < 0.05, "mean u \(mean)")
        #expect(abs(variance / expected - 1) < 0.03, "variance \(variance) vs \(expected) mm²")
    }

    @Test("Polar-method Gaussian pairs: mean 0 (±0.03), variance 1 (±0.04), correlation < 0.03 over 20 000 pairs")
    func gaussianPairs() {
        var rng = RandomStream(seed: 3)
        let n = 20_000
        var s = SIMD2<Double>.zero, s2 = SIMD2<Double>.zero, sxy = 0.0
        for _ in 0..<n {
            let g = BeamletSource.gaussianPair(using: &rng)
            s += g; s2 += g * g; sxy += g.x * g.y
        }
        let m = s / Double(n), v = s2 / Double(n) - m * m
        #expect(abs(m.x) < 0.03 && abs(m.y) < 0.03, "mean \(m)")
        #expect(abs(v.x - 1) < 0.04 && abs(v.y - 1) < 0.04, "variance \(v)")
        #expect(abs(sxy / Double(n) - m.x * m.y) < 0.03)
    }
}
