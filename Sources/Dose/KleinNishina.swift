import Core
#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif

/// Compton scattering on free electrons at rest (Klein–Nishina): cross-sections and exact sampling.
public enum KleinNishina {
    /// Electron rest energy in MeV.
    public static let electronMassMeV = 0.51099895
    /// Classical electron radius in cm.
    public static let classicalElectronRadiusCM = 2.8179403262e-13

    /// Total cross-section per electron in cm² at photon energy `energyMeV`.
    public static func crossSectionCM2(energyMeV: Double) -> Double {
        let k = energyMeV / electronMassMeV
        let l = log(1 + 2 * k)
        let a = (1 + k) / (k * k) * (2 * (1 + k) / (1 + 2 * k) - l / k)
        let b = l / (2 * k) - (1 + 3 * k) / ((1 + 2 * k) * (1 + 2 * k))
        return 2 * Double.pi * classicalElectronRadiusCM * classicalElectronRadiusCM * (a + b)
    }

    /// Differential cross-section dσ/dΩ per electron (cm²/sr) at scattering cosine `cosTheta`:
    /// (r_e²/2) ε² (ε + 1/ε − sin²θ) with ε = E'/E = 1 / (1 + k(1 − cos θ)).
    public static func differentialCrossSectionCM2PerSr(energyMeV: Double, cosTheta: Double) -> Double {
        let k = energyMeV / electronMassMeV
        let eps = 1 / (1 + k * (1 - cosTheta))
        let re2 = classicalElectronRadiusCM * classicalElectronRadiusCM
        return re2 / 2 * eps * eps * (eps + 1 / eps - (1 - cosTheta * cosTheta))
    }

    /// Samples a scattering event exactly with Kahn's rejection method (Kahn 1956, as described by
    /// Everett & Cashwell, LA-5061-MS): returns the scattered photon energy ratio ε = E'/E and cos θ.
    @inlinable public static func sample(energyMeV: Double, using rng: inout RandomStream) -> (energyRatio: Double, cosTheta: Double) {
        let k = energyMeV / electronMassMeV
        let split = (2 * k + 1) / (2 * k + 9)
        while true {
            let r1 = rng.uniform(), r2 = rng.uniform(), r3 = rng.uniform()
            let eta: Double
            if r1 <= split {
                eta = 1 + 2 * k * r2
                if r3 > 4 * (1 / eta - 1 / (eta * eta)) { continue }
            } else {
                eta = (2 * k + 1) / (1 + 2 * k * r2)
                let c = 1 - (eta - 1) / k
                if r3 > 0.5 * (c * c + 1 / eta) { continue }
            }
            return (1 / eta, 1 - (eta - 1) / k)
        }
    }
}
