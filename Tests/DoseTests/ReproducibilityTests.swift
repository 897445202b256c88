import Core
@testable import Dose
import Testing

/// Columns depend only on (model, geometry, beamlet, seed, histories), not on who computes them or when.
struct ReproducibilityTests {
    static func setup() throws -> (PatientModel, BeamGeometry) {
        let phantom = try WaterBoxFixture.make()
        let doseGrid = try PatientModel.doseGrid(covering: phantom.grid, spacingMM: SIMD3(repeating: 6))
        let patient = try PatientModel(ct: phantom.ct, doseGrid: doseGrid)
        let geometry = try BeamGeometry.openField(gantryDeg: [0, 90], isocentreMM: .zero, fieldSizeMM: SIMD2(20, 10), bixelMM: 10)
        return (patient, geometry)
    }

    @Test("Columns computed in order, reversed, and as a subset by fresh calculators are bitwise identical")
    func orderIndependence() throws {
        let (patient, geometry) = try Self.setup()
        #expect(geometry.beamlets.count == 4)
        var a = try BeamletDoseCalculator(patient: patient, geometry: geometry)
        let inOrder = try (0..<4).map { try a.column(beamletID: $0, seed: 99, histories: 300) }
        var b = try BeamletDoseCalculator(patient: patient, geometry: geometry)
        let reversed = try (0..<4).reversed().map { try b.column(beamletID: $0, seed: 99, histories: 300) }
        var c = try BeamletDoseCalculator(patient: patient, geometry: geometry)
        let subset = try [2].map { try c.column(beamletID: $0, seed: 99, histories: 300) }
        #expect(inOrder == Array(reversed.reversed()))
        #expect(subset[0] == inOrder[2])
        #expect(!inOrder[0].rowIndices.isEmpty)
        let otherSeed = try a.column(beamletID: 0, seed: 100, histories: 300)
        #expect(otherSeed.doseGy != inOrder[0].doseGy)
    }
}
