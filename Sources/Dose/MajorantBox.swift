/// Two Woodcock majorants: one inside the bounding box of the patient's non-air voxels, one outside it.
///
/// Woodcock tracking is unbiased for any majorant ≥ the local attenuation, and because flight lengths are
/// memoryless a flight may be cut where the majorant changes and resampled from there. Inside the box the
/// majorant factor is the largest attenuation scale of the grid; outside it, the largest scale among the
/// voxels outside the box (air: about 1/800 of water's, or 0 when the box is the grid). A photon crossing the
/// air around the patient thus costs about one flight instead of a tentative collision every water mean
/// free path. A straight flight leaves the (convex) box at most once, so the two regions need no more; with
/// nothing outside, a photon leaving the box escapes.
struct MajorantBox: Sendable {
    /// Voxels whose attenuation scale exceeds this (water = 1) define the box.
    static let bodyScaleThreshold = 0.05

    /// The box (voxel faces, mm); the whole grid when no voxel exceeds the threshold.
    let body: AxisAlignedBox
    /// Majorant factors (largest attenuation scale) inside the box and outside it (0 when nothing is outside).
    let insideMaxScale: Double
    let outsideMaxScale: Double

    /// The box of `grid`-shaped scales `scale` (z-major, nx × ny × nz) with grid lower corner `gridLowerMM`.
    init(scale: (Int) -> Double, nx: Int, ny: Int, nz: Int, spacingMM: SIMD3<Double>, gridLowerMM: SIMD3<Double>) {
        var lo = SIMD3(nx, ny, nz), hi = SIMD3(-1, -1, -1)
        var maxAll = 0.0
        for k in 0..<nz { for j in 0..<ny { for i in 0..<nx {
            let s = scale((k * ny + j) * nx + i)
            maxAll = max(maxAll, s)
            if s > Self.bodyScaleThreshold {
                lo = pointwiseMin(lo, SIMD3(i, j, k)); hi = pointwiseMax(hi, SIMD3(i, j, k))
            }
        } } }
        if hi.x < 0 { lo = .zero; hi = SIMD3(nx - 1, ny - 1, nz - 1) }
        var maxOutside = 0.0
        for k in 0..<nz { for j in 0..<ny { for i in 0..<nx {
            let inside = i >= lo.x && i <= hi.x && j >= lo.y && j <= hi.y && k >= lo.z && k <= hi.z
            if !inside { maxOutside = max(maxOutside, scale((k * ny + j) * nx + i)) }
        } } }
        body = AxisAlignedBox(lowerMM: gridLowerMM + spacingMM * SIMD3(Double(lo.x), Double(lo.y), Double(lo.z)),
                              upperMM: gridLowerMM + spacingMM * SIMD3(Double(hi.x + 1), Double(hi.y + 1), Double(hi.z + 1)))
        insideMaxScale = maxAll
        outsideMaxScale = maxOutside
    }
}
