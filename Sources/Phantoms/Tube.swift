/// A tapered capsule: the points within radius r(t) = r0 + (r1 − r0)·t of the segment a→b,
/// t ∈ [0, 1] being the parameter of the nearest segment point. Coordinates are anatomy mm (u, v, s).
struct Tube: Sendable {
    let ax: Double, ay: Double, az: Double
    let bx: Double, by: Double, bz: Double
    let r0: Double, r1: Double
    /// Axis-aligned bounds enlarged by `reachMM`: outside them `excess` exceeds `reachMM`.
    let lo: (Double, Double, Double), hi: (Double, Double, Double)
    private let invLength2: Double

    init(from a: (Double, Double, Double), to b: (Double, Double, Double), r0: Double, r1: Double, reachMM: Double) {
        (ax, ay, az) = a
        (bx, by, bz) = b
        self.r0 = r0; self.r1 = r1
        let pad = max(r0, r1) + reachMM
        lo = (min(ax, bx) - pad, min(ay, by) - pad, min(az, bz) - pad)
        hi = (max(ax, bx) + pad, max(ay, by) + pad, max(az, bz) + pad)
        let l2 = (bx - ax) * (bx - ax) + (by - ay) * (by - ay) + (bz - az) * (bz - az)
        invLength2 = l2 > 0 ? 1 / l2 : 0
    }

    /// True when the slice at height s may hold points within the reach.
    func spans(_ s: Double) -> Bool { s >= lo.2 && s <= hi.2 }

    /// Distance from (u, v, s) to the capsule surface in mm (negative inside), or +∞ when the point
    /// is outside the enlarged bounds.
    @inline(__always) func excess(_ u: Double, _ v: Double, _ s: Double) -> Double {
        if u < lo.0 || u > hi.0 || v < lo.1 || v > hi.1 || s < lo.2 || s > hi.2 { return .infinity }
        let dx = bx - ax, dy = by - ay, dz = bz - az
        var t = ((u - ax) * dx + (v - ay) * dy + (s - az) * dz) * invLength2
        t = min(1, max(0, t))
        let qx = u - (ax + t * dx), qy = v - (ay + t * dy), qz = s - (az + t * dz)
        return (qx * qx + qy * qy + qz * qz).squareRoot() - (r0 + (r1 - r0) * t)
    }
}
