import Core

/// Radiological depths of one beam on a fan of rays: rays from the (nominal) source through a lattice of
/// points (u, v) of the isocentre plane, each traced through the dose grid in steps of equal axis distance z,
/// with the water-equivalent path length accumulated at every step.
///
/// Water-equivalent means scaled by the voxel's density × electron-density ratio relative to the kernel's
/// water (1 g/cm³, soft tissue), so the kernel's water box has radiological depth = geometric depth. Steps and
/// lattice pitch are half the smallest voxel edge; the density of a step is the one of the voxel containing its
/// midpoint (nearest voxel); outside the grid is vacuum. ``depthMM(uMM:vMM:axisDistanceMM:)`` interpolates
/// bilinearly between rays and linearly along them.
struct RadiologicalDepthFan {
    let lowMM: SIMD2<Double>
    let pitchMM: Double
    let rays: SIMD2<Int>
    let firstAxisDistanceMM: Double
    let stepMM: Double
    let planes: Int
    /// Depth at plane m of ray (i, j): `depths[(j·rays.x + i)·planes + m]`.
    let depths: [Float]

    /// A fan of given depths on a given lattice (`depths` laid out as the stored property).
    init(lowMM: SIMD2<Double>, pitchMM: Double, rays: SIMD2<Int>, firstAxisDistanceMM: Double, planes: Int, depths: [Float]) {
        self.lowMM = lowMM; self.pitchMM = pitchMM; self.rays = rays
        self.firstAxisDistanceMM = firstAxisDistanceMM; stepMM = pitchMM; self.planes = planes
        self.depths = depths
    }

    /// The water-equivalent scale of every voxel of `patient`: density × electron-density ratio relative to the
    /// kernel's water. Computed once per patient and shared by the fans of its beams.
    static func waterScale(of patient: PatientModel) -> [Float] {
        let kernelWater = Material.softTissue.electronDensityRatio
        return zip(patient.densityGPerCC, patient.materials).map { Float($0 * $1.electronDensityRatio / kernelWater) }
    }

    /// Traces the rays of `beam` covering [lowMM, highMM] of the isocentre plane through `patient`, whose
    /// ``waterScale(of:)`` is `scale`.
    init(patient: PatientModel, scale: [Float], beam: Beam, lowMM: SIMD2<Double>, highMM: SIMD2<Double>) {
        let g = patient.grid
        let layout = Self.layout(grid: g, beam: beam, lowMM: lowMM, highMM: highMM)
        let pitch = layout.pitchMM, zLow = layout.firstAxisDistanceMM
        self.lowMM = lowMM
        pitchMM = pitch
        rays = layout.rays
        let source = beam.sourceMM, axis = beam.directionLPS, sad = beam.sadMM
        stepMM = pitch
        firstAxisDistanceMM = zLow
        planes = layout.planes
        var depths = [Float](repeating: 0, count: rays.x * rays.y * planes)
        let inverseSpacing = 1 / g.spacingMM, origin = g.originMM
        let u = beam.uAxis, v = beam.vAxis
        let planeCount = planes, rayCount = rays
        depths.withUnsafeMutableBufferPointer { depths in
            scale.withUnsafeBufferPointer { scale in
                func ray(_ i: Int, _ j: Int) -> (perZ: SIMD3<Double>, pathPerZ: Double, inside: Range<Int>, base: Int) {
                    let pu = lowMM.x + Double(i) * pitch, pv = lowMM.y + Double(j) * pitch
                    let direction = axis * sad + u * pu + v * pv
                    let perZ = direction / sad
                    // Steps outside `inside` have their midpoint outside the grid: they add nothing.
                    return (perZ, (direction * direction).sum().squareRoot() / sad,
                            Self.stepsInGrid(g, source: source, perZ: perZ, firstZ: zLow, pitch: pitch, planes: planeCount),
                            (j * rayCount.x + i) * planeCount)
                }
                // Two neighbouring rays per pass: their independent sums overlap in the pipeline. Each ray's sum and
                // stores are those of a ray traced alone: the steps of the pair's common range outside the ray's own
                // range add nothing (their midpoints are outside the grid) and store the unchanged sum.
                for j in 0..<rayCount.y {
                    for i in stride(from: 0, to: rayCount.x, by: 2) {
                        let a = ray(i, j), b = i + 1 < rayCount.x ? ray(i + 1, j) : a
                        let steps = a.inside.isEmpty ? b.inside : b.inside.isEmpty ? a.inside
                            : min(a.inside.lowerBound, b.inside.lowerBound)..<max(a.inside.upperBound, b.inside.upperBound)
                        var depthA = 0.0, depthB = 0.0
                        for m in steps {
                            let zMid = zLow + (Double(m) - 0.5) * pitch
                            let ca = (source + a.perZ * zMid - origin) * inverseSpacing
                            let cb = (source + b.perZ * zMid - origin) * inverseSpacing
                            let xa = Self.nearest(ca.x), ya = Self.nearest(ca.y), za = Self.nearest(ca.z)
                            let xb = Self.nearest(cb.x), yb = Self.nearest(cb.y), zb = Self.nearest(cb.z)
                            if g.contains(xa, ya, za) { depthA += Double(scale[g.index(xa, ya, za)]) * pitch * a.pathPerZ }
                            if g.contains(xb, yb, zb) { depthB += Double(scale[g.index(xb, yb, zb)]) * pitch * b.pathPerZ }
                            depths[a.base + m] = Float(depthA)
                            depths[b.base + m] = Float(depthB)
                        }
                        if steps.upperBound < planeCount {
                            for m in max(steps.upperBound, 1)..<planeCount {
                                depths[a.base + m] = Float(depthA)
                                depths[b.base + m] = Float(depthB)
                            }
                        }
                    }
                }
            }
        }
        self.depths = depths
    }

    /// The fan's lattice for `beam` over [lowMM, highMM] on `grid`: pitch and step (half the smallest voxel edge),
    /// rays per axis, the first plane's axis distance (the nearest grid corner, at least 1 mm) and the plane count
    /// (to the farthest corner).
    static func layout(grid g: Grid, beam: Beam, lowMM: SIMD2<Double>, highMM: SIMD2<Double>)
        -> (pitchMM: Double, rays: SIMD2<Int>, firstAxisDistanceMM: Double, planes: Int) {
        let pitch = min(g.spacingMM.x, g.spacingMM.y, g.spacingMM.z) / 2
        let rays = SIMD2(max(Int(((highMM.x - lowMM.x) / pitch).rounded(.up)) + 1, 2), max(Int(((highMM.y - lowMM.y) / pitch).rounded(.up)) + 1, 2))
        var zLow = Double.infinity, zHigh = -Double.infinity
        let extent = g.spacingMM * SIMD3(Double(g.nx), Double(g.ny), Double(g.nz))
        for corner in 0..<8 {
            let bits = SIMD3(Double(corner & 1), Double(corner >> 1 & 1), Double(corner >> 2 & 1))
            let z = ((g.originMM - g.spacingMM / 2 + bits * extent - beam.sourceMM) * beam.directionLPS).sum()
            zLow = min(zLow, z); zHigh = max(zHigh, z)
        }
        zLow = max(zLow, 1)
        return (pitch, rays, zLow, max(Int(((zHigh - zLow) / pitch).rounded(.up)) + 1, 2))
    }

    /// A range of steps 1..<`planes` holding every step whose midpoint (axis distance `firstZ` + (m − ½)·`pitch` on the
    /// ray source + `perZ`·z) lies in a voxel of `g` (a superset: the caller tests each step). The index coordinate
    /// along each axis is linear in z; the range keeps the z where all three lie within [−1, n] (half a voxel beyond the
    /// grid's rounding limits, far more than the rounding of these operations), widened by 2 steps.
    static func stepsInGrid(_ g: Grid, source: SIMD3<Double>, perZ: SIMD3<Double>, firstZ: Double, pitch: Double, planes: Int) -> Range<Int> {
        var from = -Double.infinity, to = Double.infinity
        let counts = SIMD3(Double(g.nx), Double(g.ny), Double(g.nz))
        for a in 0..<3 {
            let offset = (source[a] - g.originMM[a]) / g.spacingMM[a], slope = perZ[a] / g.spacingMM[a]
            if slope == 0 {
                if offset < -1 || offset > counts[a] { return 1..<1 }
                continue
            }
            let z1 = (-1 - offset) / slope, z2 = (counts[a] - offset) / slope
            from = max(from, min(z1, z2)); to = min(to, max(z1, z2))
        }
        guard from.isFinite, to.isFinite, from <= to else { return from <= to ? 1..<planes : 1..<1 }
        let first = max(((from - firstZ) / pitch + 0.5).rounded(.down) - 2, 1)
        let last = min(((to - firstZ) / pitch + 0.5).rounded(.up) + 2, Double(planes - 1))
        return first <= last ? Int(first)..<(Int(last) + 1) : 1..<1
    }

    /// `Int(x.rounded(.toNearestOrAwayFromZero))` for |x| < 2⁵², without the library call and without branches:
    /// truncation of x ± (½ − 2⁻⁵⁴). Exact: below a half the sum stays under the next integer (x is a multiple of its
    /// ulp, so it lies at least an ulp + 2⁻⁵⁴ below it), from a half on it reaches it (a tie within 2⁻⁵⁴ rounds
    /// to the even integer). Checked against the library in `PencilBeamSpeedTests`.
    @inline(__always) static func nearest(_ x: Double) -> Int {
        Int(x + Double(signOf: x, magnitudeOf: 0.49999999999999994))
    }

    /// Radiological depth (mm) of the point projected at (`uMM`, `vMM`) at axis distance `axisDistanceMM`.
    func depthMM(uMM: Double, vMM: Double, axisDistanceMM: Double) -> Double {
        let x = min(max((uMM - lowMM.x) / pitchMM, 0), Double(rays.x - 1) - 1e-9)
        let y = min(max((vMM - lowMM.y) / pitchMM, 0), Double(rays.y - 1) - 1e-9)
        let z = min(max((axisDistanceMM - firstAxisDistanceMM) / stepMM, 0), Double(planes - 1) - 1e-9)
        let i = min(Int(x), rays.x - 2), j = min(Int(y), rays.y - 2), m = min(Int(z), planes - 2)
        let fx = x - Double(i), fy = y - Double(j), fz = z - Double(m)
        func along(_ i: Int, _ j: Int) -> Double {
            let b = (j * rays.x + i) * planes + m
            return Double(depths[b]) * (1 - fz) + Double(depths[b + 1]) * fz
        }
        let low = along(i, j) * (1 - fx) + along(i + 1, j) * fx
        let high = along(i, j + 1) * (1 - fx) + along(i + 1, j + 1) * fx
        return low * (1 - fy) + high * fy
    }
}
