#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif

/// The physics functions the transport evaluates per interaction and per electron step, as
/// ``OctaveTable``s of the exact functions (128 nodes per octave, relative error ≤ 1e-4, tested);
/// outside a table's range the exact function is evaluated directly.
struct TransportTables: Sendable {
    /// Water total, Compton, and Compton + photoelectric μ/ρ (cm²/g) against photon energy, 2^−10 … 2^7 MeV.
    let totalCM2PerG: OctaveTable
    let comptonCM2PerG: OctaveTable
    let comptonPlusPhotoelectricCM2PerG: OctaveTable
    /// CSDA range (g/cm²) against kinetic energy, 2^−14 … 2^7 MeV.
    let rangeGPerCM2: OctaveTable
    /// Kinetic energy (MeV) against residual CSDA range, 2^−24 … 2^6 g/cm².
    let energyMeV: OctaveTable
    /// Highland step factor √(x/X0)·max(0, 1 + 0.038 ln(x/X0)) against the step x, 2^−30 … 2^7 g/cm².
    let highlandFactor: OctaveTable

    /// The tables of the module's physics (built once).
    static let shared = TransportTables()

    init() {
        totalCM2PerG = OctaveTable(lowerExponent: -10, upperExponent: 7) { WaterPhotonCoefficients(energyMeV: $0).totalCM2PerG }
        comptonCM2PerG = OctaveTable(lowerExponent: -10, upperExponent: 7) { WaterPhotonCoefficients(energyMeV: $0).comptonCM2PerG }
        comptonPlusPhotoelectricCM2PerG = OctaveTable(lowerExponent: -10, upperExponent: 7) {
            let c = WaterPhotonCoefficients(energyMeV: $0)
            return c.comptonCM2PerG + c.photoelectricCM2PerG
        }
        rangeGPerCM2 = OctaveTable(lowerExponent: -14, upperExponent: 7) { ElectronRangeTable.rangeGPerCM2(energyMeV: $0) }
        energyMeV = OctaveTable(lowerExponent: -24, upperExponent: 6) { ElectronRangeTable.energyMeV(rangeGPerCM2: $0) }
        highlandFactor = OctaveTable(lowerExponent: -30, upperExponent: 7) { Self.exactHighlandFactor(stepGPerCM2: $0) }
    }

    /// Radiation length of water, g/cm².
    static let waterRadiationLengthGPerCM2 = 36.08

    /// √(x/X0)·max(0, 1 + 0.038 ln(x/X0)) of the Highland formula for a step of `x` g/cm² of water.
    static func exactHighlandFactor(stepGPerCM2 x: Double) -> Double {
        let ratio = x / waterRadiationLengthGPerCM2
        return ratio.squareRoot() * max(0, 1 + 0.038 * log(ratio))
    }

    /// Water μ/ρ (cm²/g) at `energyMeV`: total, Compton, and Compton + photoelectric.
    @inline(__always) func photon(energyMeV e: Double) -> (total: Double, compton: Double, comptonPlusPhotoelectric: Double) {
        if let t = totalCM2PerG.value(at: e), let c = comptonCM2PerG.value(at: e), let cp = comptonPlusPhotoelectricCM2PerG.value(at: e) {
            return (t, c, cp)
        }
        let c = WaterPhotonCoefficients(energyMeV: e)
        return (c.totalCM2PerG, c.comptonCM2PerG, c.comptonCM2PerG + c.photoelectricCM2PerG)
    }

    /// CSDA range in water (g/cm²) of an electron of `energyMeV`.
    @inline(__always) func range(energyMeV e: Double) -> Double {
        rangeGPerCM2.value(at: e) ?? ElectronRangeTable.rangeGPerCM2(energyMeV: e)
    }

    /// Kinetic energy (MeV) of an electron with residual range `r` g/cm² (0 for r ≤ 0).
    @inline(__always) func energy(rangeGPerCM2 r: Double) -> Double {
        energyMeV.value(at: r) ?? ElectronRangeTable.energyMeV(rangeGPerCM2: r)
    }

    /// The Highland step factor for a step of `x` g/cm².
    @inline(__always) func highland(stepGPerCM2 x: Double) -> Double {
        highlandFactor.value(at: x) ?? Self.exactHighlandFactor(stepGPerCM2: x)
    }
}
