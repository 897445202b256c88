#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif

/// Photon interaction coefficients of water (cm²/g) used by the transport.
///
/// - Compton: Klein–Nishina per electron × the electron density of water (3.3428e23 electrons/g);
///   binding is neglected (XCOM's incoherent value is lower by 1.3 % at 0.1 MeV and < 0.2 % above 1 MeV).
/// - Photoelectric: NIST XCOM (Hubbell & Seltzer) water values at 0.1, 0.2, 0.5, 1 and 2 MeV, log-log
///   interpolated and extrapolated with the end slopes.
/// - Pair (nuclear + electron field): XCOM at 2, 3, 5, 6, 10 MeV, log-log; between the threshold
///   2mc² = 1.022 MeV and 2 MeV the 2 MeV value scaled by ((E − 1.022)/(2 − 1.022))³.
/// - Rayleigh scattering is neglected (below 1 % of μ above 0.2 MeV).
public struct WaterPhotonCoefficients: Sendable {
    /// Electrons per gram of water (N_A · 10 / 18.0153).
    public static let electronsPerGram = 6.02214076e23 * 10 / 18.0153
    static let photoelectric = LogLogTable(x: [0.1, 0.2, 0.5, 1.0, 2.0], y: [2.763e-3, 2.89e-4, 1.88e-5, 3.7e-6, 1.1e-6])
    static let pair = LogLogTable(x: [2.0, 3.0, 5.0, 6.0, 10.0], y: [3.9e-4, 1.13e-3, 2.54e-3, 3.16e-3, 5.09e-3])
    static let pairThresholdMeV = 2 * KleinNishina.electronMassMeV

    /// Compton (incoherent) mass attenuation coefficient in cm²/g.
    public let comptonCM2PerG: Double
    /// Photoelectric mass attenuation coefficient in cm²/g.
    public let photoelectricCM2PerG: Double
    /// Pair production mass attenuation coefficient in cm²/g.
    public let pairCM2PerG: Double

    /// Coefficients at photon energy `energyMeV` (> 0).
    public init(energyMeV e: Double) {
        comptonCM2PerG = KleinNishina.crossSectionCM2(energyMeV: e) * Self.electronsPerGram
        photoelectricCM2PerG = Self.photoelectric.value(at: e)
        if e <= Self.pairThresholdMeV {
            pairCM2PerG = 0
        } else if e < 2 {
            let t = (e - Self.pairThresholdMeV) / (2 - Self.pairThresholdMeV)
            pairCM2PerG = 3.9e-4 * t * t * t
        } else {
            pairCM2PerG = Self.pair.value(at: e)
        }
    }

    /// Total mass attenuation coefficient (sum of the three processes) in cm²/g.
    public var totalCM2PerG: Double { comptonCM2PerG + photoelectricCM2PerG + pairCM2PerG }
}
