/// Simple bounds l ≤ w ≤ u and the projections onto them.
struct Box {
    let lower: [Double]
    let upper: [Double]

    /// Component-wise clamp into the box.
    func project(_ x: [Double]) -> [Double] {
        var p = x
        for i in p.indices { p[i] = min(max(p[i], lower[i]), upper[i]) }
        return p
    }

    /// ‖P(x − g) − x‖∞.
    func projectedGradientNorm(_ x: [Double], _ g: [Double]) -> Double {
        var m = 0.0
        for i in x.indices { m = max(m, abs(min(max(x[i] - g[i], lower[i]), upper[i]) - x[i])) }
        return m
    }

    /// False for variables held at a bound by a gradient pointing outwards.
    func freeVariables(_ x: [Double], _ g: [Double]) -> [Bool] {
        x.indices.map { i in !((x[i] <= lower[i] && g[i] > 0) || (x[i] >= upper[i] && g[i] < 0)) }
    }
}
