import Core
import Dose
import Jobs
import Optimization

/// Fluence optimisation of a plan in one process: the dose engine's CSC influence matrix becomes
/// the optimiser's CSR block of all dose-grid rows, the objectives become cost terms on the
/// overlap-resolved structures, and projected L-BFGS minimises the cost with w ≥ 0.
///
/// Start point (matRad's): every beamlet has the same weight, chosen so that the mean dose of the
/// prescription target equals the prescribed dose. Stopping rules from `OptimizerSpec`: the
/// iteration cap and the relative cost change per iteration; the projected-gradient tolerance stays
/// at the kernel default. The method is deterministic: the same inputs give the same weights.
public struct FluenceOptimisation: Sendable {
    /// The optimiser's CSR block (all dose-grid voxels).
    public let matrix: Optimization.InfluenceMatrix
    /// The cost-function terms.
    public let block: FluencePlanBlock
    /// Uniform start weight per beamlet.
    public let startWeight: Double
    /// Mean relative standard error of the prescription target's voxel doses at uniform weights, from the
    /// matrix's batch statistics (0 for a noise-free matrix). Beamlet weights cannot cancel noise that is
    /// independent between voxels, so the optimised target dose is about this inhomogeneous (TG-119 at
    /// 1000 histories per beamlet: 0.12, target CV of the optimised dose 0.10; at 5000: 0.055 and 0.047).
    public let targetRelativeUncertainty: Double

    /// Sets up the problem for `influence` (on `structures.grid`), `objectives` and the prescription's target.
    /// - Throws: ``PlanningError`` for unknown or empty structures, a grid mismatch or beams that
    ///   deliver no dose to the target.
    public init(influence: Dose.InfluenceMatrix, structures: DoseGridStructures, objectives: [ObjectiveSpec],
                prescription: PrescriptionSpec) throws {
        let unitDose = try Self.unitDose(influence, structures: structures)
        let start = try Self.uniformStart(unitDose: unitDose, structures: structures, prescription: prescription)
        let matrix = try Optimization.InfluenceMatrix(columnOffsets: influence.columnPointers.map { Int($0) }, rowIndices: influence.rowIndices,
                                                      values: influence.doseGy, rows: 0..<influence.grid.voxelCount)
        let target = try structures.mask(named: prescription.target, for: "prescription.target").voxels
        let unitError = try influence.doseUncertainty(weights: [Double](repeating: 1, count: matrix.beamletCount)).voxels
        var count = 0, relativeError = 0.0
        for i in target.indices where target[i] != 0 {
            count += 1
            if unitDose[i] > 0 { relativeError += Double(unitError[i]) / unitDose[i] }
        }
        self.matrix = matrix
        self.block = try FluencePlanBlock(matrix: matrix, objectives: CostFunction.terms(objectives, structures: structures))
        self.startWeight = start
        self.targetRelativeUncertainty = relativeError / Double(count)
    }

    /// Every voxel's dose at unit weights, summed from the CSC columns in beamlet order.
    /// - Throws: ``PlanningError`` for a grid mismatch or no beamlets.
    private static func unitDose(_ influence: Dose.InfluenceMatrix, structures: DoseGridStructures) throws -> [Double] {
        guard influence.grid == structures.grid else {
            throw PlanningError("influence matrix grid \(influence.grid) differs from the structures' dose grid \(structures.grid)")
        }
        guard influence.columnCount > 0 else { throw PlanningError("the plan has no beamlets") }
        var unitDose = [Double](repeating: 0, count: influence.grid.voxelCount)
        for c in 0..<influence.columnCount {
            for e in Int(influence.columnPointers[c])..<Int(influence.columnPointers[c + 1]) {
                unitDose[Int(influence.rowIndices[e])] += Double(influence.doseGy[e])
            }
        }
        return unitDose
    }

    /// matRad's uniform start weight: the same weight for every beamlet such that the prescription target's mean
    /// dose equals the prescribed dose. Computed from the CSC columns; each voxel's unit dose is summed in beamlet
    /// order, as ``Optimization/InfluenceMatrix/dose(weights:)`` sums a CSR row, so both give the same weight.
    /// - Throws: ``PlanningError`` for a grid mismatch, no beamlets, an unknown or empty target or beams that
    ///   deliver no dose to it.
    public static func uniformStart(influence: Dose.InfluenceMatrix, structures: DoseGridStructures, prescription: PrescriptionSpec) throws -> Double {
        try uniformStart(unitDose: unitDose(influence, structures: structures), structures: structures, prescription: prescription)
    }

    /// The uniform start weight from every voxel's unit dose.
    private static func uniformStart(unitDose: [Double], structures: DoseGridStructures, prescription: PrescriptionSpec) throws -> Double {
        let target = try structures.mask(named: prescription.target, for: "prescription.target").voxels
        var sum = 0.0, count = 0
        for i in target.indices where target[i] != 0 {
            sum += unitDose[i]; count += 1
        }
        guard count > 0 else { throw PlanningError("prescription target \"\(prescription.target)\" has no voxel on the dose grid") }
        guard sum > 0 else { throw PlanningError("the beamlets deliver no dose to \"\(prescription.target)\"") }
        return prescription.doseGy / (sum / Double(count))
    }

    /// Minimises the cost with the spec's stopping rules.
    public func run(_ optimizer: OptimizerSpec) throws -> FluenceOptimisationResult {
        let options = QuasiNewtonOptions(maxIterations: optimizer.maxIterations, relativeObjectiveTolerance: optimizer.tolerance)
        let start = [Double](repeating: startWeight, count: matrix.beamletCount)
        let clock = ContinuousClock()
        let began = clock.now
        let result = try ProjectedLBFGS(options: options).minimize(start: start) { w in
            let e = block.evaluate(weights: w)
            return (e.objective, e.gradient)
        }
        let elapsed = clock.now - began
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return FluenceOptimisationResult(weights: result.weights, iterations: result.iterations, evaluations: result.evaluations,
                                         objectiveHistory: result.objectiveHistory, stopReason: result.stopReason, seconds: seconds)
    }
}
