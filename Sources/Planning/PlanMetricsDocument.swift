import Foundation
import Evaluation
import Jobs

/// The `metrics_json` attribute of a plan result (see the plan contract): prescription with the
/// normalisation factor, per-structure metrics, plan indices, goals and the optimiser's summary.
/// Keys are snake_case and sorted; every number must be finite (encoding throws otherwise).
struct PlanMetricsDocument: Encodable {
    struct Prescription: Encodable {
        let target: String, doseGy: Double, fractions: Int, normalise: String, factor: Double
        enum CodingKeys: String, CodingKey { case target, doseGy = "dose_gy", fractions, normalise, factor }
    }
    struct Structure: Encodable {
        let name: String, voxels: Int, volumeCm3: Double, dmeanGy: Double, dminGy: Double, dmaxGy: Double
        let d2Gy: Double, d5Gy: Double, d10Gy: Double, d50Gy: Double, d95Gy: Double, d98Gy: Double
        let vGy: [String: Double]
        enum CodingKeys: String, CodingKey {
            case name, voxels, volumeCm3 = "volume_cm3", dmeanGy = "dmean_gy", dminGy = "dmin_gy", dmaxGy = "dmax_gy"
            case d2Gy = "d2_gy", d5Gy = "d5_gy", d10Gy = "d10_gy", d50Gy = "d50_gy", d95Gy = "d95_gy", d98Gy = "d98_gy", vGy = "v_gy"
        }
    }
    struct Plan: Encodable {
        let homogeneityIndex: Double, paddickCI: Double, ciIsodoseGy: Double
        enum CodingKeys: String, CodingKey { case homogeneityIndex = "homogeneity_index", paddickCI = "paddick_ci", ciIsodoseGy = "ci_isodose_gy" }
    }
    struct Goal: Encodable {
        let structure: String, metric: String, comparator: String, limit: Double, unit: String, value: Double, passed: Bool
    }
    struct Optimizer: Encodable {
        let iterations: Int, objectiveInitial: Double, objectiveFinal: Double, stopReason: String
        enum CodingKeys: String, CodingKey {
            case iterations, objectiveInitial = "objective_initial", objectiveFinal = "objective_final", stopReason = "stop_reason"
        }
    }
    let prescription: Prescription
    let structures: [Structure]
    let plan: Plan
    let goals: [Goal]
    let optimizer: Optimizer

    /// `20` for 20 Gy, `2.5` for 2.5 Gy: the key of a V_x entry.
    static func levelKey(_ gy: Double) -> String {
        gy == gy.rounded() && abs(gy) < 1e15 ? String(Int(gy)) : String(gy)
    }
}

extension PlanEvaluation {
    /// The `/dvh/<structure>` tables of every structure, in name order.
    public func dvhTables() throws -> [DVHDataset] { try dvhs().map(DVHDataset.init) }

    /// The `metrics_json` string of the contract for this evaluation and the optimiser's run.
    /// - Throws: ``PlanningError`` when a value is not finite (JSON has no NaN).
    public func metricsJSON(optimisation: FluenceOptimisationResult) throws -> String {
        let p = prescription
        let doc = PlanMetricsDocument(
            prescription: .init(target: p.target, doseGy: p.doseGy, fractions: p.fractions, normalise: p.normalise.rawValue,
                                factor: normalisationFactor),
            structures: structures.map { s in
                .init(name: s.name, voxels: s.voxelCount, volumeCm3: Double(s.voxelCount) * voxelVolumeCC, dmeanGy: s.meanGy,
                      dminGy: s.minGy, dmaxGy: s.maxGy, d2Gy: s.doseAtVolume(2), d5Gy: s.doseAtVolume(5), d10Gy: s.doseAtVolume(10),
                      d50Gy: s.doseAtVolume(50), d95Gy: s.doseAtVolume(95), d98Gy: s.doseAtVolume(98),
                      vGy: Dictionary(uniqueKeysWithValues: volumeLevelsGy.map { (PlanMetricsDocument.levelKey($0), s.volumeAtDose($0)) }))
            },
            plan: .init(homogeneityIndex: homogeneityIndex, paddickCI: paddickConformityIndex, ciIsodoseGy: ciIsodoseGy),
            goals: goals.map { g in
                .init(structure: g.goal.structure, metric: g.goal.metric.description, comparator: g.goal.comparator.rawValue,
                      limit: g.goal.value, unit: g.unit, value: g.value, passed: g.passed)
            },
            optimizer: .init(iterations: optimisation.iterations, objectiveInitial: optimisation.objectiveInitial,
                             objectiveFinal: optimisation.objectiveFinal, stopReason: optimisation.stopReason.rawValue))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            return String(decoding: try encoder.encode(doc), as: UTF8.self)
        } catch {
            throw PlanningError("metrics_json cannot be written: \(error)")
        }
    }
}
