/// Closed planar contours of one binary mask slice, traced by marching squares.
///
/// Samples are the voxel centres; a vertex lies half-way between an inside and an outside
/// centre (half-voxel positions), so a contour runs along the mask's edge with corners cut by
/// ⅛ voxel² each. The slice is padded with outside voxels, so every contour is closed. In the
/// ambiguous saddle (two diagonal inside voxels), the inside voxels are joined (8-connected
/// foreground). Collinear vertices are dropped. Outer boundaries have positive signed area in
/// (x, y) voxel coordinates, holes negative; holes are returned as separate contours.
enum ContourTracer {
    /// A closed contour: vertices in voxel coordinates (x, y) of the slice, without repeating
    /// the first vertex; `isHole` for the boundary of a hole.
    struct Contour: Equatable {
        var points: [SIMD2<Double>]
        var isHole: Bool
    }

    /// The contours of the `nx × ny` slice `inside(x, y)`.
    static func trace(nx: Int, ny: Int, inside: (Int, Int) -> Bool) -> [Contour] {
        // Vertices live on a doubled lattice: voxel centre (x, y) is (2x + 2, 2y + 2), so the
        // padding ring and midpoints have non-negative integer coordinates.
        let width = 2 * nx + 4
        func key(_ x2: Int, _ y2: Int) -> Int { y2 * width + x2 }
        func value(_ x: Int, _ y: Int) -> Bool { x >= 0 && y >= 0 && x < nx && y < ny && inside(x, y) }
        var next: [Int: Int] = [:]
        for cy in -1..<ny {
            for cx in -1..<nx {
                // Corners in clockwise order (y down): top-left, top-right, bottom-right, bottom-left.
                let corners = [(cx, cy), (cx + 1, cy), (cx + 1, cy + 1), (cx, cy + 1)]
                let state = corners.map { value($0.0, $0.1) }
                guard state.contains(true), state.contains(false) else { continue }
                // Edge e joins corner e and corner e+1; its midpoint on the doubled lattice.
                let midpoints = (0..<4).map { e -> Int in
                    let (a, b) = (corners[e], corners[(e + 1) % 4])
                    return key(a.0 + b.0 + 2, a.1 + b.1 + 2)
                }
                for e in 0..<4 where state[e] && !state[(e + 1) % 4] {
                    // From an inside→outside edge to the next crossing edge clockwise.
                    var f = (e + 1) % 4
                    while state[f] == state[(f + 1) % 4] { f = (f + 1) % 4 }
                    next[midpoints[e]] = midpoints[f]
                }
            }
        }
        var contours: [Contour] = []
        var remaining = next
        while let start = remaining.keys.min() {
            var loop: [SIMD2<Int>] = []
            var current = start
            while let following = remaining.removeValue(forKey: current) {
                loop.append(SIMD2(current % width, current / width))
                current = following
            }
            let simplified = dropCollinear(loop)
            let points = simplified.map { SIMD2(Double($0.x - 2) / 2, Double($0.y - 2) / 2) }
            contours.append(Contour(points: points, isHole: signedArea(points) < 0))
        }
        return contours
    }

    /// Shoelace signed area of a closed polygon (positive for outer boundaries here).
    static func signedArea(_ p: [SIMD2<Double>]) -> Double {
        var sum = 0.0
        for i in p.indices {
            let (a, b) = (p[i], p[(i + 1) % p.count])
            sum += a.x * b.y - b.x * a.y
        }
        return sum / 2
    }

    private static func dropCollinear(_ loop: [SIMD2<Int>]) -> [SIMD2<Int>] {
        let n = loop.count
        return loop.indices.filter { i in
            let (a, b, c) = (loop[(i + n - 1) % n], loop[i], loop[(i + 1) % n])
            let (u, v) = (b &- a, c &- b)
            return u.x * v.y - u.y * v.x != 0
        }.map { loop[$0] }
    }
}
