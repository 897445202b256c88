import Foundation

/// Quantities of the thorax anatomy that depend only on the slice height s (computed once per slice).
struct ThoraxSlice: Sendable {
    /// Height above the lowest slice in mm.
    let s: Double
    /// Mediastinal tubes and lung vessels that reach this slice.
    let tubes: [(tube: Tube, kind: ThoraxAnatomy.TubeKind)]
    let vessels: [Tube]
    let tumour: Ellipsoid?
    /// |u| of the arm centres.
    let armCentreU: Double
    /// Half-width of the anterior mediastinum (≈ 1 mm where the lungs touch).
    let anteriorHalfWidth: Double
    /// True inside an intervertebral disc (vertebral body replaced by disc tissue).
    let discLevel: Bool
}

extension ThoraxAnatomy {
    /// Gap in mm between torso and arm at height s: 8·cos(2π(s − phase)/170) − 1, so the arms touch
    /// the torso (negative gap, overlap) in some slices and are separated by air in others.
    func armGapMM(at s: Double) -> Double {
        8 * cos(2 * Double.pi * (s - armPhaseMM) / 170) - 1
    }

    /// The per-slice context at height s.
    func slice(at s: Double) -> ThoraxSlice {
        let junction = max(0, abs(s - junctionLevelMM) - 7)
        var disc = (s - discPhaseMM).truncatingRemainder(dividingBy: 26)
        if disc < 0 { disc += 26 }
        let t = tumour.flatMap { abs(s - $0.cs) <= $0.rs ? $0 : nil }
        return ThoraxSlice(
            s: s,
            tubes: mediastinalTubes.filter { $0.tube.spans(s) },
            vessels: lungVessels.filter { $0.spans(s) },
            tumour: t,
            armCentreU: Self.torsoHalfWidthAtArm + armGapMM(at: s) + Self.armA,
            anteriorHalfWidth: min(22, 1 + 1.2 * junction),
            discLevel: disc < 5)
    }
}
