/// An axis-aligned box [lowerMM, upperMM) and the distances at which straight rays enter and leave it.
struct AxisAlignedBox: Sendable {
    let lowerMM: SIMD3<Double>
    let upperMM: SIMD3<Double>

    /// Whether `p` lies in the box.
    @inline(__always) func contains(_ p: SIMD3<Double>) -> Bool {
        p.x >= lowerMM.x && p.x < upperMM.x && p.y >= lowerMM.y && p.y < upperMM.y && p.z >= lowerMM.z && p.z < upperMM.z
    }

    /// Distance along `d` from `p` (in the box) to where the ray leaves the box.
    func exitDistance(_ p: SIMD3<Double>, _ d: SIMD3<Double>) -> Double {
        @inline(__always) func axis(_ p: Double, _ d: Double, _ lower: Double, _ upper: Double) -> Double {
            d > 0 ? (upper - p) / d : d < 0 ? (lower - p) / d : .infinity
        }
        let t = min(axis(p.x, d.x, lowerMM.x, upperMM.x), axis(p.y, d.y, lowerMM.y, upperMM.y), axis(p.z, d.z, lowerMM.z, upperMM.z))
        return max(0, t)
    }

    /// Distance along `d` from `p` (outside the box) to the box, nil when the ray misses it.
    func entryDistance(_ p: SIMD3<Double>, _ d: SIMD3<Double>) -> Double? {
        var tNear = 0.0, tFar = Double.infinity
        /// Narrows [tNear, tFar) to the ray's stretch within the slab lower ≤ x < upper; false when it misses.
        @inline(__always) func slab(_ p: Double, _ d: Double, _ lower: Double, _ upper: Double) -> Bool {
            if d == 0 { return p >= lower && p < upper }
            let t1 = (lower - p) / d, t2 = (upper - p) / d
            tNear = max(tNear, min(t1, t2)); tFar = min(tFar, max(t1, t2))
            return true
        }
        guard slab(p.x, d.x, lowerMM.x, upperMM.x), slab(p.y, d.y, lowerMM.y, upperMM.y), slab(p.z, d.z, lowerMM.z, upperMM.z) else {
            return nil
        }
        return tNear < tFar ? tNear : nil
    }
}
