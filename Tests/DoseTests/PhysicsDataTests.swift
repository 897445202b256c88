import Core
@testable import Dose
import Testing

/// Interaction coefficients, spectrum and range tables against the published values they come from.
struct PhysicsDataTests {
    /// NIST XCOM total μ/ρ of water (cm²/g, with Rayleigh), an independent reference for the sum we use.
    static let xcomTotal: [(Double, Double)] = [(0.2, 0.1370), (0.3, 0.1186), (0.5, 0.09687), (0.8, 0.07865), (1.0, 0.07072),
                                                (1.5, 0.05754), (2.0, 0.04942), (3.0, 0.03969), (4.0, 0.03403), (5.0, 0.03031),
                                                (6.0, 0.02770), (8.0, 0.02429), (10.0, 0.02219)]

    @Test("Total attenuation of water within 1.5 % of XCOM from 0.2 to 10 MeV (Rayleigh and binding neglected)")
    func totalAttenuation() {
        for (e, mu) in Self.xcomTotal {
            let ours = WaterPhotonCoefficients(energyMeV: e).totalCM2PerG
            #expect(abs(ours / mu - 1) < 0.015, "μ/ρ(\(e) MeV) = \(ours), XCOM \(mu)")
        }
        #expect(WaterPhotonCoefficients(energyMeV: 1.0).pairCM2PerG == 0)
        #expect(WaterPhotonCoefficients(energyMeV: 1.5).pairCM2PerG < 1e-4)
    }

    @Test("Mohan 6 MV spectrum: 24 bins, mean 1.90 ± 0.02 MeV; sampled mean within 4 σ of the table mean")
    func spectrum() {
        let s = PhotonSpectrum.mohan6MV
        #expect(s.binProbabilities.count == 24)
        #expect(abs(s.meanEnergyMeV - 1.90) < 0.02)
        var rng = RandomStream(seed: 3)
        let n = 100_000
        var sum = 0.0, sum2 = 0.0
        for _ in 0..<n {
            let e = s.sampleEnergyMeV(using: &rng)
            #expect(e >= 0 && e <= 6)
            sum += e; sum2 += e * e
        }
        let mean = sum / Double(n), sd = ((sum2 / Double(n) - mean * mean) / Double(n)).squareRoot()
        #expect(abs(mean - s.meanEnergyMeV) < 4 * sd)
        #expect(throws: DoseError.self) { try PhotonSpectrum(lowestEdgeMeV: 0, upperEdgesMeV: [1, 0.5], weightsPerMeV: [1, 1]) }
    }

    @Test("CSDA range table reproduces ESTAR nodes and inverts to 1e-9")
    func electronRange() {
        #expect(abs(ElectronRangeTable.rangeGPerCM2(energyMeV: 1.0) - 0.4367) < 1e-12)
        for e in [0.03, 0.25, 1.7, 4.4, 9.0] {
            let r = ElectronRangeTable.rangeGPerCM2(energyMeV: e)
            #expect(abs(ElectronRangeTable.energyMeV(rangeGPerCM2: r) / e - 1) < 1e-9)
        }
        #expect(ElectronRangeTable.energyMeV(rangeGPerCM2: 0) == 0)
    }
}
