import Core

/// Where a beam's central axis enters the patient: the first point, coming from the source, whose
/// nearest CT voxel is at or above a body threshold (−500 HU, between air and soft tissue).
public enum PatientSurface {
    /// CT number separating air from the patient surface.
    public static let bodyThresholdHU: Int16 = -500

    /// The entry point (mm, LPS) of the line through `throughMM` along `directionLPS` (unit, source → patient),
    /// to within 1e-6 mm of the voxel boundary; nil when the line meets no voxel at or above the threshold.
    public static func entryPoint(ct: CTVolume, throughMM: SIMD3<Double>, directionLPS: SIMD3<Double>,
                                  thresholdHU: Int16 = bodyThresholdHU) -> SIMD3<Double>? {
        let g = ct.grid
        let extent = g.spacingMM * SIMD3(Double(g.nx), Double(g.ny), Double(g.nz))
        let reach = (extent * extent).sum().squareRoot()
        let step = g.spacingMM.min() / 4
        let inside: (Double) -> Bool = { t in
            let c = g.voxelCoordinates(of: throughMM + t * directionLPS).rounded(.toNearestOrAwayFromZero)
            guard c.min() >= 0, c.x < Double(g.nx), c.y < Double(g.ny), c.z < Double(g.nz) else { return false }
            return ct[Int(c.x), Int(c.y), Int(c.z)] >= thresholdHU
        }
        var t = -reach
        while t <= reach, !inside(t) { t += step }
        guard t <= reach else { return nil }
        var outside = t - step
        for _ in 0..<60 where t - outside > 1e-6 {
            let middle = (outside + t) / 2
            if inside(middle) { t = middle } else { outside = middle }
        }
        return throughMM + t * directionLPS
    }
}
