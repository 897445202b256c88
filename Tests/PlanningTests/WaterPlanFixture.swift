import Core
import Dose
import Jobs
import Phantoms
@testable import Planning

/// A small optimisation problem: a 100 × 100 × 60 mm water box (5 mm voxels, dose grid = CT grid)
/// with a 30 mm cube target (6³ voxels) `ptv` at the centre, an organ at risk `oar` posterior-left of it and the
/// `body`; 5 coplanar beams, 5 mm bixels, 100 histories per beamlet by default (seconds in debug).
struct WaterPlanFixture: Sendable {
    static let shared: WaterPlanFixture? = try? WaterPlanFixture()

    let structures: [ContouredStructure]
    let doseGrid: DoseGridStructures
    let influence: Dose.InfluenceMatrix
    let prescription = PrescriptionSpec(target: "ptv", doseGy: 60, fractions: 30, normalise: .d95)
    let targetObjective = ObjectiveSpec(structure: "ptv", type: .squaredDeviation, doseGy: 60, penalty: 1000)
    let oarObjective = ObjectiveSpec(structure: "oar", type: .squaredOverdose, doseGy: 5, penalty: 300)
    let goals = [
        GoalSpec(structure: "ptv", metric: .doseAtVolume(volumePct: 95), comparator: .atLeast, value: 60),
        GoalSpec(structure: "oar", metric: .meanDose, comparator: .atMost, value: 30),
        GoalSpec(structure: "oar", metric: .volumeAtDose(doseGy: 20), comparator: .atMost, value: 50),
    ]

    init(historiesPerBeamlet: Int = 100) throws {
        let phantom = try PhantomFactory.water(shape: .box(sizeMM: SIMD3(100, 100, 60)), size: PhantomSize(nx: 24, ny: 24, nz: 16),
                                               spacingMM: SIMD3(repeating: 5))
        let grid = phantom.grid
        func box(_ lo: SIMD3<Double>, _ hi: SIMD3<Double>) throws -> MaskVolume {
            var v = [UInt8](repeating: 0, count: grid.voxelCount)
            for k in 0..<grid.nz { for j in 0..<grid.ny { for i in 0..<grid.nx {
                let p = grid.position(i, j, k)
                if all(p .>= lo) && all(p .<= hi) { v[grid.index(i, j, k)] = 1 }
            } } }
            return try MaskVolume(grid: grid, voxels: v)
        }
        let ptv = try box(SIMD3(repeating: -13), SIMD3(repeating: 13))
        let oar = try box(SIMD3(15, 15, -13), SIMD3(33, 33, 13))
        structures = [
            ContouredStructure(name: "body", mask: phantom.mask(named: "body")!, overlapPriority: 3),
            ContouredStructure(name: "oar", mask: oar, overlapPriority: 2),
            ContouredStructure(name: "ptv", mask: ptv, overlapPriority: 1),
        ]
        doseGrid = try DoseGridStructures(structures, doseGrid: grid)
        let patient = try PatientModel(ct: phantom.ct, doseGrid: grid, subsamples: 1)
        let geometry = try BeamGeometry.covering(target: ptv, gantryDeg: [0, 72, 144, 216, 288], bixelMM: 5, marginMM: 0)
        var calculator = try BeamletDoseCalculator(patient: patient, geometry: geometry)
        let columns = try geometry.beamlets.map { try calculator.column(beamletID: $0.id, seed: 7, histories: historiesPerBeamlet, batches: 4) }
        influence = try Dose.InfluenceMatrix(grid: grid, columnCount: geometry.beamlets.count, columns: columns)
    }

    /// The optimised plan with `objectives`, evaluated.
    func plan(_ objectives: [ObjectiveSpec]) throws -> (FluenceOptimisationResult, PlanEvaluation) {
        let problem = try FluenceOptimisation(influence: influence, structures: doseGrid, objectives: objectives, prescription: prescription)
        let result = try problem.run(OptimizerSpec(maxIterations: 200, tolerance: 1e-7))
        let evaluation = try PlanEvaluation(doseGy: try influence.dose(weights: result.weights), structures: doseGrid,
                                            prescription: prescription, goals: goals, objectives: objectives)
        return (result, evaluation)
    }
}
