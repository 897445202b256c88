import Core
import Evaluation
import Jobs

/// Evaluation of an optimised plan after normalisation to its prescription.
///
/// Normalisation (`PrescriptionSpec.normalise`): `d95` scales the dose so that D95 of the
/// prescription target equals the prescribed dose, `dmean` its mean dose, `none` keeps it (factor 1).
/// Every reported dose is after scaling. DVHs and metrics use the masks as contoured on the dose
/// grid (overlaps not resolved), D_x and V_x with the conventions of `Evaluation.StructureDose`.
/// The homogeneity index is (D5 − D95)/D50 of the target; the Paddick conformity index uses the
/// isodose at 95 % of the prescribed dose over the whole dose grid.
public struct PlanEvaluation: Sendable {
    /// Bin width of the reported cumulative DVHs.
    public static let dvhBinWidthGy = 0.1
    /// A goal whose value lies within this fraction of its limit counts as met: after `d95`
    /// normalisation the target's D95 equals the prescription only to rounding (1e-9 relative).
    public static let goalToleranceRelative = 1e-9
    /// Isodose of the Paddick conformity index, as a fraction of the prescribed dose.
    public static let conformityIsodoseFraction = 0.95

    /// The prescription the plan was normalised to.
    public let prescription: PrescriptionSpec
    /// Factor applied to the optimised dose (and weights).
    public let normalisationFactor: Double
    /// The normalised dose on the dose grid.
    public let doseGy: DoseVolume
    /// Normalised doses of every structure with at least one dose-grid voxel, in name order.
    public let structures: [StructureDose]
    /// Voxel volume of the dose grid (cm³).
    public let voxelVolumeCC: Double
    /// Dose levels x (Gy) of the reported V_x: those named by V_x goals and by the objectives' reference doses, increasing.
    public let volumeLevelsGy: [Double]
    /// (D5 − D95)/D50 of the prescription target.
    public let homogeneityIndex: Double
    /// Paddick conformity index of the target at ``ciIsodoseGy``.
    public let paddickConformityIndex: Double
    /// Isodose used for the conformity index (Gy).
    public let ciIsodoseGy: Double
    /// Goals in spec order with their values.
    public let goals: [GoalEvaluation]

    /// Normalises `doseGy` (the optimised dose on `structures.grid`) and evaluates it.
    /// - Throws: ``PlanningError`` for unknown structures in the prescription or goals, an empty
    ///   target or goal structure, a target without dose, or a grid mismatch.
    public init(doseGy optimised: DoseVolume, structures: DoseGridStructures, prescription: PrescriptionSpec,
                goals: [GoalSpec], objectives: [ObjectiveSpec]) throws {
        guard optimised.grid == structures.grid else {
            throw PlanningError("dose grid \(optimised.grid) differs from the structures' dose grid \(structures.grid)")
        }
        let targetMask = try structures.mask(named: prescription.target, for: "prescription.target")
        for (i, g) in goals.enumerated() { _ = try structures.mask(named: g.structure, for: "goals[\(i)]") }
        var raw: [String: StructureDose] = [:]
        for name in structures.names {
            if let s = try? StructureDose(name: name, dose: optimised, mask: structures.masks[name]!) { raw[name] = s }
        }
        guard let target = raw[prescription.target] else {
            throw PlanningError("prescription target \"\(prescription.target)\" has no voxel on the dose grid")
        }
        let factor: Double
        switch prescription.normalise {
        case .none: factor = 1
        case .d95: factor = try Self.factor(prescription.doseGy, target.doseAtVolume(95), "D95")
        case .dmean: factor = try Self.factor(prescription.doseGy, target.meanGy, "Dmean")
        }
        let scaled = raw.mapValues { $0.scaled(by: factor) }
        self.prescription = prescription
        self.normalisationFactor = factor
        self.doseGy = try DoseVolume(grid: optimised.grid, voxels: optimised.voxels.map { Float(Double($0) * factor) })
        self.structures = scaled.keys.sorted().map { scaled[$0]! }
        self.voxelVolumeCC = structures.grid.voxelVolumeCC
        var levels = Set(objectives.map(\.doseGy).filter { $0 > 0 })
        for g in goals { if case .volumeAtDose(let x) = g.metric { levels.insert(x) } }
        self.volumeLevelsGy = levels.sorted()
        let t = scaled[prescription.target]!
        guard t.doseAtVolume(50) > 0 else { throw PlanningError("target \"\(prescription.target)\" receives no dose; HI is undefined") }
        self.homogeneityIndex = PlanQuality.homogeneityIndex(t)
        self.ciIsodoseGy = Self.conformityIsodoseFraction * prescription.doseGy
        self.paddickConformityIndex = try PlanQuality.paddickConformityIndex(dose: doseGy, target: targetMask, referenceDoseGy: ciIsodoseGy)
        self.goals = try goals.enumerated().map { i, g in
            guard let s = scaled[g.structure] else { throw PlanningError("goals[\(i)]: structure \"\(g.structure)\" has no voxel on the dose grid") }
            let v = s.value(of: Self.metric(g.metric))
            let atLimit = abs(v - g.value) <= Self.goalToleranceRelative * max(abs(g.value), 1)
            return GoalEvaluation(goal: g, value: v, passed: atLimit || g.comparator.isMet(metric: v, value: g.value))
        }
    }

    private static func factor(_ prescribedGy: Double, _ measuredGy: Double, _ what: String) throws -> Double {
        guard measuredGy > 0, measuredGy.isFinite else { throw PlanningError("cannot normalise: target \(what) is \(measuredGy) Gy") }
        return prescribedGy / measuredGy
    }

    /// The evaluation kernel's metric for a spec metric.
    public static func metric(_ m: DoseMetric) -> DVHMetric {
        switch m {
        case .doseAtVolume(let v): return .doseAtVolume(volumePct: v)
        case .meanDose: return .meanDose
        case .maxDose: return .maxDose
        case .minDose: return .minDose
        case .volumeAtDose(let d): return .volumeAtDose(doseGy: d)
        }
    }

    /// The normalised structure dose of `name`, if it has voxels on the dose grid.
    public func structure(_ name: String) -> StructureDose? { structures.first { $0.name == name } }

    /// Cumulative DVH of every structure (bin width ``dvhBinWidthGy``), in name order.
    public func dvhs() throws -> [CumulativeDVH] {
        try structures.map { try $0.cumulativeDVH(binWidthGy: Self.dvhBinWidthGy) }
    }
}
