import Core
import Dose
import Foundation
import Planning
import Store

/// The coordinator side of a `dose` job: the influence stage's phases (the kernel phase first for the pencil
/// beam), then assembly, forward dose and the result bundle.
final class DoseRun: JobRun {
    private let stage: InfluenceStage
    private let storeInfluenceMatrix: Bool
    private let cancellation: JobCancellation

    init(stage: InfluenceStage, storeInfluenceMatrix: Bool, cancellation: JobCancellation = .never) {
        self.stage = stage
        self.storeInfluenceMatrix = storeInfluenceMatrix
        self.cancellation = cancellation
    }

    func firstStep() throws -> JobStep { .tasks(stage.tasks) }

    func nextStep(after results: [TaskPayload]) throws -> JobStep {
        let (matrix, balance): (InfluenceMatrix, EnergyBookkeeping)
        switch try stage.nextStep(after: results) {
        case .tasks(let tasks): return .tasks(tasks)
        case .matrix(let m, let b): (matrix, balance) = (m, b)
        }
        try cancellation.check()
        let setup = stage.setup
        let forward = try ForwardDose(matrix: matrix, weights: setup.weights)
        try cancellation.check()
        var result = ResultFile(doseGy: forward.doseGy, doseUncertainty: forward.uncertaintyGy,
                                arrays: try Self.planArrays(setup), attributes: Self.attributes(setup, matrix: matrix, kernelCache: stage.kernelCacheOutcome))
        if storeInfluenceMatrix {
            result.sparseMatrices["/influence"] = try SparseMatrixCSC(
                rows: matrix.grid.voxelCount, columns: matrix.columnCount, values: matrix.doseGy,
                rowIndices: matrix.rowIndices, columnStarts: matrix.columnPointers)
        }
        result.attributes["energy_imbalance_relative"] = .double(balance.relativeImbalance)
        let allocation = Self.allocationRecord(stage)
        result.attributes.merge(allocation.attributes) { _, new in new }
        result.arrays.merge(allocation.arrays) { _, new in new }
        let peak = forward.doseGy.voxels.max() ?? 0
        let engine = setup.kernelSimulation.map { "pencil beam (kernel \($0.histories) histories)" }
            ?? "\(setup.statistics.historiesPerBeamlet) histories"
        let summary = String(format: "%d beamlets × %@, %d non-zeros, max dose %.4g Gy", setup.geometry.beamlets.count,
                             engine, matrix.nonZeroCount, Double(peak))
        return .finished(JobOutcome(result: result, summary: summary))
    }

    /// `/plan/beams` (beams × [gantry°, couch°, SAD mm, beamlet count]), `/plan/beamlets` (beamlets × [beam index, u mm,
    /// v mm, width mm]: each bixel's centre on the isocentre plane, row n = weight n) and `/plan/weights`.
    static func planArrays(_ setup: DoseSetup) throws -> [String: ResultArray] {
        let g = setup.geometry
        let beams = g.beams.enumerated().flatMap { b, beam -> [Double] in
            [beam.gantryDeg, 0, beam.sadMM, Double(g.beamlets.filter { $0.beamIndex == b }.count)]
        }
        let beamlets = g.beamlets.flatMap { [Double($0.beamIndex), $0.uMM, $0.vMM, $0.widthMM] }
        return ["/plan/beams": try ResultArray(shape: [g.beams.count, 4], values: .float64(beams)),
                "/plan/beamlets": try ResultArray(shape: [g.beamlets.count, 4], values: .float64(beamlets)),
                "/plan/weights": ResultArray(.float64(setup.weights))]
    }

    /// The contract's root attributes of a dose result, with `influence_engine` (`monte_carlo` or `pencil_beam`)
    /// and, for the pencil beam, `kernel_histories` and `kernel_cache` (`hit`, `stored` or `not stored: <reason>`).
    static func attributes(_ setup: DoseSetup, matrix: InfluenceMatrix, kernelCache: KernelCache.Outcome?) -> [String: AttributeValue] {
        let iso = setup.geometry.beams.first?.isocentreMM ?? .zero
        var attributes: [String: AttributeValue] = [
            "isocentre_mm": .doubles([iso.x, iso.y, iso.z]), "beamlet_count": .int(setup.geometry.beamlets.count),
            "histories_per_beamlet": .int(setup.statistics.historiesPerBeamlet), "nonzeros": .int(matrix.nonZeroCount),
            "influence_engine": .string(setup.engine.rawValue)]
        if let simulation = setup.kernelSimulation { attributes["kernel_histories"] = .int(simulation.histories) }
        if let kernelCache { attributes["kernel_cache"] = .string(kernelCache.attribute) }
        return attributes
    }

    /// `history_allocation` and `pilot_histories_per_beamlet` attributes and the arrays `/beamlets/histories` (int64) and
    /// `/beamlets/target_fraction` (float64) of a Monte Carlo matrix allocated by target fraction; empty otherwise.
    static func allocationRecord(_ stage: InfluenceStage) -> (attributes: [String: AttributeValue], arrays: [String: ResultArray]) {
        guard let histories = stage.beamletHistories, let fractions = stage.targetFractions, let pilot = stage.setup.targetFractionPilot else {
            return ([:], [:])
        }
        return (["history_allocation": .string("target_fraction"), "pilot_histories_per_beamlet": .int(pilot.historiesPerBeamlet)],
                ["/beamlets/histories": ResultArray(.int64(histories.map(Int64.init))),
                 "/beamlets/target_fraction": ResultArray(.float64(fractions))])
    }
}

