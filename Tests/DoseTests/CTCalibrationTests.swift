import Core
@testable import Dose
import Testing

/// HU → density and material tables against the published formulas.
struct CTCalibrationTests {
    @Test("Schneider 2000 densities at −1000, 0, 20, 1000 and 2500 HU (1e-9 g/cm³)")
    func schneider() {
        let c = CTCalibration.schneider2000
        #expect(abs(c.densityGPerCC(hu: -1000) - 0.00121) < 1e-9)
        #expect(abs(c.densityGPerCC(hu: 0) - 1.018) < 1e-9)
        #expect(abs(c.densityGPerCC(hu: 20) - 1.03) < 1e-9)
        #expect(abs(c.densityGPerCC(hu: 1000) - (1.017 + 0.592)) < 1e-9)
        #expect(abs(c.densityGPerCC(hu: 2500) - (2.201 + 0.0005 * 500)) < 1e-9)
        #expect(c.densityGPerCC(hu: -1024) == c.densityGPerCC(hu: -1000))
    }

    @Test("matRad bands: densities at band edges and materials on either side")
    func matRad() {
        let c = CTCalibration.matRad
        #expect(abs(c.densityGPerCC(hu: -974) - 0.044) < 1e-12)
        #expect(abs(c.densityGPerCC(hu: -849) - (0.044 + 0.302) / 2) < 1e-12)
        #expect(abs(c.densityGPerCC(hu: 101) - 1.101) < 1e-12)
        #expect(c.material(hu: -1000) == .air)
        #expect(c.material(hu: -974) == .lung)
        #expect(c.material(hu: -725) == .lung)
        #expect(c.material(hu: 0) == .softTissue)
        #expect(c.material(hu: 101) == .bone)
        #expect(c.material(hu: 3000) == .bone)
        #expect(throws: DoseError.self) {
            try CTCalibration(segments: [.init(lowerHU: 0, upperHU: -1, lowerDensity: 1, upperDensity: 1)], materialBands: [(.softTissue, 10)])
        }
    }
}
