/// CSDA range of electrons in water (ICRU 37 / NIST ESTAR), g/cm², and its inverse.
///
/// Charged-particle transport scales these ranges by the local density and the material's
/// electron density ratio (see ``Material``); positrons use the electron table.
public enum ElectronRangeTable {
    /// Kinetic energies in MeV of the tabulated ranges.
    public static let energiesMeV: [Double] = [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0]
    /// CSDA ranges in water in g/cm² (ESTAR).
    public static let rangesGPerCM2: [Double] = [2.515e-4, 8.575e-4, 4.320e-3, 1.431e-2, 4.488e-2, 8.421e-2, 0.1766, 0.3267,
                                                 0.4367, 0.7116, 0.9785, 1.514, 2.037, 2.550, 3.052, 4.030, 4.975]
    static let range = LogLogTable(x: energiesMeV, y: rangesGPerCM2)
    static let energy = LogLogTable(x: rangesGPerCM2, y: energiesMeV)

    /// CSDA range in water (g/cm²) of an electron of kinetic energy `energyMeV` (> 0).
    public static func rangeGPerCM2(energyMeV: Double) -> Double { range.value(at: energyMeV) }

    /// Kinetic energy (MeV) of an electron whose residual CSDA range in water is `rangeGPerCM2`; 0 for a range ≤ 0.
    public static func energyMeV(rangeGPerCM2 r: Double) -> Double { r > 0 ? energy.value(at: r) : 0 }
}
