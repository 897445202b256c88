#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif

/// One coplanar photon beam (couch 0°) in DICOM LPS for a head-first supine patient.
///
/// IEC 61217 → LPS: the IEC fixed system has X to the patient's left, Y towards the gantry (the
/// patient's head, +z) and Z up (anterior, −y), so (X, Y, Z)_IEC = (x, z, −y)_LPS. The gantry rotates
/// clockwise seen from the foot of the couch; at gantry angle θ the source sits at
/// `isocentre + SAD·(sin θ, −cos θ, 0)` and the central axis points along `(−sin θ, cos θ, 0)`:
/// gantry 0° beams travel anterior → posterior (+y), gantry 90° enters from the patient's left.
/// Beam's-eye-view axes on the isocentre plane (IEC beam-limiting device X, Y): `u = (cos θ, sin θ, 0)`,
/// `v = (0, 0, 1)`.
public struct Beam: Sendable, Hashable, Codable {
    /// Gantry angle in degrees (IEC 61217).
    public let gantryDeg: Double
    /// Isocentre in mm (LPS).
    public let isocentreMM: SIMD3<Double>
    /// Source-axis distance in mm.
    public let sadMM: Double

    /// A beam at `gantryDeg` around `isocentreMM` with source-axis distance `sadMM` (> 0).
    public init(gantryDeg: Double, isocentreMM: SIMD3<Double>, sadMM: Double = 1000) throws {
        guard gantryDeg.isFinite, sadMM.isFinite, sadMM > 0, (0..<3).allSatisfy({ isocentreMM[$0].isFinite }) else {
            throw DoseError.invalidParameter("beam needs a finite gantry angle, isocentre and a positive SAD")
        }
        self.gantryDeg = gantryDeg
        self.isocentreMM = isocentreMM
        self.sadMM = sadMM
    }

    var theta: Double { gantryDeg * Double.pi / 180 }
    /// Unit vector of the central axis (source → isocentre).
    public var directionLPS: SIMD3<Double> { SIMD3(-sin(theta), cos(theta), 0) }
    /// Source position in mm (LPS).
    public var sourceMM: SIMD3<Double> { isocentreMM - sadMM * directionLPS }
    /// Beam's-eye-view u axis on the isocentre plane (IEC X of the beam-limiting device).
    public var uAxis: SIMD3<Double> { SIMD3(cos(theta), sin(theta), 0) }
    /// Beam's-eye-view v axis on the isocentre plane (IEC Y: towards the gantry, patient superior).
    public var vAxis: SIMD3<Double> { SIMD3(0, 0, 1) }

    /// Point `pointMM` projected from the source onto the isocentre plane, as (u, v) in mm;
    /// nil for points at or behind the source.
    public func projectToIsocentrePlane(_ pointMM: SIMD3<Double>) -> SIMD2<Double>? {
        let r = pointMM - sourceMM
        let depth = (r * directionLPS).sum()
        guard depth > 1e-9 else { return nil }
        let onPlane = sourceMM + r * (sadMM / depth) - isocentreMM
        return SIMD2((onPlane * uAxis).sum(), (onPlane * vAxis).sum())
    }

    /// Point of the isocentre plane at beam's-eye-view coordinates (u, v) mm.
    public func isocentrePlanePoint(uMM: Double, vMM: Double) -> SIMD3<Double> {
        isocentreMM + uMM * uAxis + vMM * vAxis
    }
}
