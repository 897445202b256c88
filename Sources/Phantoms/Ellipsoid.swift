/// An axis-aligned ellipsoid in anatomy mm (u, v, s): centre c and semi-axes r.
struct Ellipsoid: Sendable {
    let cu: Double, cv: Double, cs: Double
    let ru: Double, rv: Double, rs: Double

    /// ((u−cu)/ru)² + ((v−cv)/rv)² + ((s−cs)/rs)²: ≤ 1 inside.
    @inline(__always) func level(_ u: Double, _ v: Double, _ s: Double) -> Double {
        let a = (u - cu) / ru, b = (v - cv) / rv, c = (s - cs) / rs
        return a * a + b * b + c * c
    }

    /// True when (u, v, s) lies inside or on the surface.
    @inline(__always) func contains(_ u: Double, _ v: Double, _ s: Double) -> Bool { level(u, v, s) <= 1 }

    /// The same ellipsoid with every semi-axis grown by `mm`.
    func grown(by mm: Double) -> Ellipsoid {
        Ellipsoid(cu: cu, cv: cv, cs: cs, ru: ru + mm, rv: rv + mm, rs: rs + mm)
    }
}
