import Core
import Dose
import Jobs
import Phantoms
import Testing
@testable import Planning

/// Resolving dose specs on a small water box (60 mm cube of water in a 72 mm grid of 4 mm voxels).
@Suite struct DoseSetupTests {
    static let phantom = try! PhantomFactory.water(shape: .box(sizeMM: SIMD3(repeating: 60)),
                                                   size: PhantomSize(nx: 18, ny: 18, nz: 18), spacingMM: SIMD3(repeating: 4))
    static var structures: [String: MaskVolume] { Dictionary(uniqueKeysWithValues: phantom.structures.map { ($0.name, $0.mask) }) }

    static func openField(ssdMM: Double?, isocentreMM: SIMD3<Double>? = nil, gantry: [Double] = [0]) -> DoseCalculationSpec {
        DoseCalculationSpec(target: nil, openField: OpenFieldSpec(fieldMM: SIMD2(20, 10), ssdMM: ssdMM),
                            beams: BeamSetSpec(gantryDeg: gantry, isocentreMM: isocentreMM), doseGridSpacingMM: SIMD3(repeating: 4),
                            historiesPerBeamlet: 100, uncertaintyBatches: 2, storeInfluenceMatrix: true)
    }

    /// The water starts at voxel centre y = −30 mm, so its anterior face (voxel edge) is at y = −32 mm.
    @Test func ssdPutsTheIsocentreBelowTheSkin() throws {
        let skin = try #require(PatientSurface.entryPoint(ct: Self.phantom.ct, throughMM: .zero, directionLPS: SIMD3(0, 1, 0)))
        #expect(abs(skin.y + 32) < 1e-5 && skin.x == 0 && skin.z == 0, "\(skin)")
        let atSurface = try DoseSetup(spec: Self.openField(ssdMM: 1000), seed: 1, ct: Self.phantom.ct, structures: [:])
        #expect(abs(atSurface.geometry.beams[0].isocentreMM.y + 32) < 1e-5)
        let deeper = try DoseSetup(spec: Self.openField(ssdMM: 900), seed: 1, ct: Self.phantom.ct, structures: [:])
        #expect(abs(deeper.geometry.beams[0].isocentreMM.y - 68) < 1e-5)
        // 20 × 10 mm of 5 mm bixels: 4 × 2 beamlets, all at weight 1; the dose grid covers the CT.
        #expect(atSurface.geometry.beamlets.count == 8 && atSurface.weights == Array(repeating: 1, count: 8))
        #expect(atSurface.patient.grid.nx == 18 && atSurface.patient.grid.spacingMM == SIMD3(repeating: 4))
    }

    @Test func explicitIsocentreWins() throws {
        let setup = try DoseSetup(spec: Self.openField(ssdMM: nil, isocentreMM: SIMD3(1, 2, 3), gantry: [0, 90]), seed: 1,
                                  ct: Self.phantom.ct, structures: [:])
        #expect(setup.geometry.beams.map(\.isocentreMM) == [SIMD3(1, 2, 3), SIMD3(1, 2, 3)])
        #expect(setup.geometry.beamlets.count == 16)
    }

    @Test func axisMissingThePatientIsAnError() throws {
        let air = try CTVolume(grid: Self.phantom.grid, voxels: Array(repeating: -1000, count: Self.phantom.grid.voxelCount))
        #expect(PatientSurface.entryPoint(ct: air, throughMM: .zero, directionLPS: SIMD3(0, 1, 0)) == nil)
        #expect(throws: PlanningError.self) { try DoseSetup(spec: Self.openField(ssdMM: 1000), seed: 1, ct: air, structures: [:]) }
    }

    @Test func unknownTargetNamesItAndTheKnownStructures() throws {
        let spec = DoseCalculationSpec(target: "ptv", beams: BeamSetSpec(gantryDeg: [0]), storeInfluenceMatrix: false)
        let error = try #require(throws: PlanningError.self) {
            try DoseSetup(spec: spec, seed: 1, ct: Self.phantom.ct, structures: Self.structures)
        }
        #expect(error.description.contains("\"ptv\"") && error.description.contains("known structures: \"body\""), "\(error)")
    }

    @Test func emptyTargetIsAnError() throws {
        let empty = MaskVolume(grid: Self.phantom.grid)
        let spec = DoseCalculationSpec(target: "gtv", beams: BeamSetSpec(gantryDeg: [0]), storeInfluenceMatrix: false)
        let error = try #require(throws: PlanningError.self) {
            try DoseSetup(spec: spec, seed: 1, ct: Self.phantom.ct, structures: ["gtv": empty])
        }
        #expect(error.description == "target \"gtv\" has no voxel")
    }

    /// A target job keeps the beamlets that cover the target, isocentre at its centre of mass (origin here).
    @Test func targetBeamletsCoverTheTarget() throws {
        var mask = MaskVolume(grid: Self.phantom.grid)
        for k in 8...9 { for j in 8...9 { for i in 8...9 { mask[i, j, k] = 1 } } }
        let spec = DoseCalculationSpec(target: "gtv", beams: BeamSetSpec(gantryDeg: [0, 180]), marginMM: 0,
                                       doseGridSpacingMM: SIMD3(repeating: 4), storeInfluenceMatrix: false)
        let setup = try DoseSetup(spec: spec, seed: 1, ct: Self.phantom.ct, structures: ["gtv": mask])
        #expect(setup.geometry.beams[0].isocentreMM == .zero)
        #expect(!setup.geometry.beamlets.isEmpty && setup.weights.count == setup.geometry.beamlets.count)
    }

    /// `ignore_outside_densities`: a dense slab in the air outside every structure becomes air in the patient model;
    /// without the key it is kept; with no structure, or a mask on another grid, the set-up fails naming the reason.
    @Test func ignoreOutsideDensitiesMakesAirOutsideTheStructures() throws {
        var ct = Self.phantom.ct
        for k in 0..<18 { for i in 0..<18 { ct[i, 0, k] = 1000 } }  // row j = 0 lies outside the 60 mm water box
        var spec = Self.openField(ssdMM: nil, isocentreMM: .zero)
        let kept = try DoseSetup(spec: spec, seed: 1, ct: ct, structures: Self.structures)
        spec.ignoreOutsideDensities = true
        let ignored = try DoseSetup(spec: spec, seed: 1, ct: ct, structures: Self.structures)
        let g = kept.patient.grid
        func density(_ setup: DoseSetup, _ i: Int, _ j: Int, _ k: Int) -> Double { setup.patient.densityGPerCC[g.index(i, j, k)] }
        #expect(density(kept, 9, 0, 9) > 1.3, "the slab is bone-like without the key")
        #expect(density(ignored, 9, 0, 9) < 0.01, "the slab is air with the key")
        #expect(density(ignored, 9, 9, 9) == density(kept, 9, 9, 9), "inside the body nothing changes")
        let none = try #require(throws: PlanningError.self) { try DoseSetup(spec: spec, seed: 1, ct: ct, structures: [:]) }
        #expect(none.description.contains("ignore_outside_densities needs at least one structure"), "\(none)")
        let other = MaskVolume(grid: try Grid(nx: 2, ny: 2, nz: 2, spacingMM: SIMD3(repeating: 4)))
        let misplaced = try #require(throws: PlanningError.self) {
            try DoseSetup(spec: spec, seed: 1, ct: ct, structures: ["couch_free": other])
        }
        #expect(misplaced.description.contains("\"couch_free\" is not on the CT grid"), "\(misplaced)")
    }

    /// The submit-time size check (`JobSpec.doseGridSize`) predicts the grid `PatientModel.doseGrid` builds,
    /// also where the CT's extent is not a multiple of the dose spacing.
    @Test func submitTimeDoseGridSizeMatchesThePatientModel() throws {
        let cases: [(SIMD3<Int>, SIMD3<Double>, SIMD3<Double>)] = [
            (SIMD3(167, 167, 108), SIMD3(3, 3, 3), SIMD3(3, 3, 3)),
            (SIMD3(512, 512, 160), SIMD3(0.977, 0.977, 2.5), SIMD3(2, 2.5, 3)),
            (SIMD3(18, 18, 18), SIMD3(4, 4, 4), SIMD3(7, 1, 10)),
            (SIMD3(64, 48, 40), SIMD3(1.5, 1.5, 5), SIMD3(3, 3, 3)),
        ]
        for (size, ctSpacing, spacing) in cases {
            let text = [spacing.x, spacing.y, spacing.z].map { "\($0)" }.joined(separator: ", ")
            let spec = try JobSpec.parse(yaml: "kind: dose\ntarget: PTV\nbeams: {gantry_deg: [0]}\ndose_grid: {spacing_mm: [\(text)]}\n")
            let ct = try Grid(nx: size.x, ny: size.y, nz: size.z, spacingMM: ctSpacing, originMM: SIMD3(-100, 20, 7))
            let built = try PatientModel.doseGrid(covering: ct, spacingMM: spacing)
            #expect(spec.doseGridSize(ctSize: size, ctSpacingMM: ctSpacing) == SIMD3(built.nx, built.ny, built.nz), "\(size) \(ctSpacing) \(spacing)")
        }
    }
}
