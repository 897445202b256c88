import Foundation
import Evaluation
import Jobs

extension PlanEvaluation {
    /// The `/dvh/<structure>` tables of every structure, in name order.
    public func dvhTables() throws -> [DVHDataset] { try dvhs().map(DVHDataset.init) }

    /// The `metrics_json` string of the contract for this evaluation and the optimiser's run, with `warnings`
    /// (``PlanWarnings``; the key is left out when there are none).
    /// - Throws: ``PlanningError`` when a value is not finite (JSON has no NaN).
    public func metricsJSON(optimisation: FluenceOptimisationResult, warnings: [String] = []) throws -> String {
        let p = prescription
        var doc = PlanMetrics(
            prescription: .init(target: p.target, doseGy: p.doseGy, fractions: p.fractions, normalise: p.normalise.rawValue,
                                factor: normalisationFactor),
            structures: structures.map { s in
                var m = PlanMetrics.StructureMetrics(name: s.name, voxels: s.voxelCount, volumeCM3: Double(s.voxelCount) * voxelVolumeCC)
                (m.dmeanGy, m.dminGy, m.dmaxGy) = (s.meanGy, s.minGy, s.maxGy)
                (m.d2Gy, m.d5Gy, m.d10Gy) = (s.doseAtVolume(2), s.doseAtVolume(5), s.doseAtVolume(10))
                (m.d50Gy, m.d95Gy, m.d98Gy) = (s.doseAtVolume(50), s.doseAtVolume(95), s.doseAtVolume(98))
                m.vGy = Dictionary(uniqueKeysWithValues: volumeLevelsGy.map { (PlanMetrics.levelKey($0), s.volumeAtDose($0)) })
                return m
            },
            plan: .init(homogeneityIndex: homogeneityIndex, paddickCI: paddickConformityIndex, ciIsodoseGy: ciIsodoseGy),
            goals: goals.map { g in
                .init(structure: g.goal.structure, metric: g.goal.metric.description, comparator: g.goal.comparator.rawValue,
                      limit: g.goal.value, unit: g.unit, value: g.value, passed: g.passed)
            },
            optimizer: .init(iterations: optimisation.iterations, objectiveInitial: optimisation.objectiveInitial,
                             objectiveFinal: optimisation.objectiveFinal, stopReason: optimisation.stopReason.rawValue))
        if !warnings.isEmpty { doc.warnings = warnings }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            return String(decoding: try encoder.encode(doc), as: UTF8.self)
        } catch {
            throw PlanningError("metrics_json cannot be written: \(error)")
        }
    }
}
