/// cos θ for 0 ≤ θ ≤ π from θ², without a trigonometric call or a square root (for the multiple-scattering
/// deflection, whose Rayleigh-distributed angle is sampled as θ² = θ0² · 2·Exp(1)).
///
/// cos θ = 1 − 2 sin²(θ/2) and sin h = h·P(h²) with P the Taylor polynomial of sin h / h through h¹⁶/17!;
/// for h = θ/2 ≤ π/2 the truncation error of sin h is below (π/2)¹⁹/19! < 5e-14, of cos θ about 2e-13
/// (tested against `cos` within 3e-13).
enum HalfAngleCosine {
    /// cos θ for θ² = `angleSquared`; −1 for θ ≥ π.
    @inline(__always) static func cosine(angleSquared t2: Double) -> Double {
        guard t2 < Double.pi * Double.pi else { return -1 }
        let y = 0.25 * t2
        // 1 − y/3! + y²/5! − … + y⁸/17!, Horner.
        var p = 1.0 / 355_687_428_096_000
        p = p * -y + 1.0 / 1_307_674_368_000
        p = p * -y + 1.0 / 6_227_020_800
        p = p * -y + 1.0 / 39_916_800
        p = p * -y + 1.0 / 362_880
        p = p * -y + 1.0 / 5_040
        p = p * -y + 1.0 / 120
        p = p * -y + 1.0 / 6
        p = p * -y + 1
        return 1 - 2 * y * p * p
    }
}
