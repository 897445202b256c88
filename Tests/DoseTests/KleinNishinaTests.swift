import Core
@testable import Dose
import Testing

/// Klein–Nishina sampling against the analytic differential cross-section.
struct KleinNishinaTests {
    /// ∫ f(cos θ) over [a, b] with Simpson's rule (n even).
    static func simpson(_ a: Double, _ b: Double, n: Int = 200, _ f: (Double) -> Double) -> Double {
        let h = (b - a) / Double(n)
        var s = f(a) + f(b)
        for i in 1..<n { s += f(a + Double(i) * h) * (i % 2 == 1 ? 4 : 2) }
        return s * h / 3
    }

    @Test("Analytic total cross-section equals the integral of dσ/dΩ (1e-6) and XCOM water Compton (1.5 % from 0.2 MeV)",
          arguments: [0.2, 1.0, 2.0, 5.0, 10.0])
    func totalCrossSection(energyMeV: Double) {
        let integral = 2 * Double.pi * Self.simpson(-1, 1, n: 2000) { KleinNishina.differentialCrossSectionCM2PerSr(energyMeV: energyMeV, cosTheta: $0) }
        let sigma = KleinNishina.crossSectionCM2(energyMeV: energyMeV)
        #expect(abs(integral / sigma - 1) < 1e-6)
        let xcom: [Double: Double] = [0.2: 0.1353, 1.0: 0.07066, 2.0: 0.0489, 5.0: 0.0277, 10.0: 0.0171]
        let mass = sigma * WaterPhotonCoefficients.electronsPerGram
        #expect(abs(mass / xcom[energyMeV]! - 1) < 0.015)
    }

    @Test("Sampled cos θ histogram passes chi-square (20 bins, 19 dof, < 43.8 i.e. p > 0.001); mean energy transfer within 4 σ",
          arguments: [1.0, 5.0])
    func samplingMatchesDifferentialCrossSection(energyMeV: Double) {
        let bins = 20, n = 200_000
        var rng = RandomStream(seed: 7, stream: UInt64(energyMeV * 10))
        var counts = [Int](repeating: 0, count: bins)
        var transfer = 0.0, transfer2 = 0.0
        for _ in 0..<n {
            let s = KleinNishina.sample(energyMeV: energyMeV, using: &rng)
            #expect(abs(1 / s.energyRatio - (1 + energyMeV / KleinNishina.electronMassMeV * (1 - s.cosTheta))) < 1e-9)
            counts[min(bins - 1, Int((s.cosTheta + 1) / 2 * Double(bins)))] += 1
            transfer += 1 - s.energyRatio
            transfer2 += (1 - s.energyRatio) * (1 - s.energyRatio)
        }
        let f = { (c: Double) in KleinNishina.differentialCrossSectionCM2PerSr(energyMeV: energyMeV, cosTheta: c) }
        let total = Self.simpson(-1, 1, n: 4000, f)
        var chi2 = 0.0
        for b in 0..<bins {
            let lo = -1 + 2 * Double(b) / Double(bins)
            let expected = Double(n) * Self.simpson(lo, lo + 2 / Double(bins), f) / total
            chi2 += (Double(counts[b]) - expected) * (Double(counts[b]) - expected) / expected
        }
        #expect(chi2 < 43.8, "chi-square \(chi2) at \(energyMeV) MeV")
        let k = energyMeV / KleinNishina.electronMassMeV
        let meanTransfer = Self.simpson(-1, 1, n: 4000) { c in f(c) * (1 - 1 / (1 + k * (1 - c))) } / total
        let sampled = transfer / Double(n)
        let sd = ((transfer2 / Double(n) - sampled * sampled) / Double(n)).squareRoot()
        #expect(abs(sampled - meanTransfer) < 4 * sd, "mean transfer \(sampled) vs \(meanTransfer) ± \(sd)")
    }
}
