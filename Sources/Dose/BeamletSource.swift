import Core
#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif

/// Primary photon rays of one beamlet: from a Gaussian focal spot through the bixel's aperture.
///
/// The aperture lies on the collimating plane at ``BeamGeometry/collimatorDistanceMM`` from the source:
/// a ray aims at a uniform point of the bixel on the isocentre plane as seen from the nominal source,
/// i.e. at the point where that nominal ray crosses the collimating plane, and leaves from a point of the
/// focal spot (σ in the plane spanned by the beam's u and v axes). With σ = 0 every ray starts at the
/// nominal source and the aperture plane does not matter.
struct BeamletSource: Sendable {
    let sourceMM: SIMD3<Double>
    let uAxis: SIMD3<Double>
    let vAxis: SIMD3<Double>
    /// Corner (u − w/2, v − w/2) of the bixel on the isocentre plane.
    let cornerMM: SIMD3<Double>
    let widthMM: Double
    let focalSpotSigmaMM: Double
    /// Collimator distance / SAD: where the nominal ray crosses the collimating plane.
    let apertureScale: Double

    init(beam: Beam, beamlet: Beamlet, focalSpotSigmaMM: Double) {
        sourceMM = beam.sourceMM
        uAxis = beam.uAxis
        vAxis = beam.vAxis
        widthMM = beamlet.widthMM
        cornerMM = beam.isocentrePlanePoint(uMM: beamlet.uMM - beamlet.widthMM / 2, vMM: beamlet.vMM - beamlet.widthMM / 2)
        self.focalSpotSigmaMM = focalSpotSigmaMM
        apertureScale = BeamGeometry.collimatorDistanceMM / beam.sadMM
    }

    /// One ray: start point (mm) and unit direction.
    @inline(__always) func sample(using rng: inout RandomStream) -> (positionMM: SIMD3<Double>, direction: SIMD3<Double>) {
        let target = cornerMM + (rng.uniform() * widthMM) * uAxis + (rng.uniform() * widthMM) * vAxis
        var start = sourceMM, d = target - sourceMM
        if focalSpotSigmaMM > 0 {
            let g = Self.gaussianPair(using: &rng)
            start += focalSpotSigmaMM * (g.x * uAxis + g.y * vAxis)
            d = sourceMM + apertureScale * d - start
        }
        return (start, d / (d * d).sum().squareRoot())
    }

    /// Two independent standard normal deviates (Marsaglia's polar method: one logarithm, no trigonometry).
    @inline(__always) static func gaussianPair(using rng: inout RandomStream) -> SIMD2<Double> {
        while true {
            let x = 2 * rng.uniform() - 1, y = 2 * rng.uniform() - 1
            let r2 = x * x + y * y
            if r2 < 1 && r2 > 0 { return SIMD2(x, y) * (-2 * log(r2) / r2).squareRoot() }
        }
    }
}
