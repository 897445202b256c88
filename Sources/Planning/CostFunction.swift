import Jobs
import Optimization

/// The optimiser's cost-function terms for a plan's objectives on the dose grid.
public enum CostFunction {
    /// The kernel's objective function for a spec objective.
    public static func function(of spec: ObjectiveSpec) -> ObjectiveFunction {
        let d = spec.doseGy
        switch spec.type {
        case .squaredDeviation: return .squaredDeviation(doseGy: d)
        case .squaredUnderdose: return .squaredUnderdose(doseGy: d)
        case .squaredOverdose: return .squaredOverdose(doseGy: d)
        case .minDVH: return .minDVH(doseGy: d, volumePct: spec.volumePct ?? 0)
        case .maxDVH: return .maxDVH(doseGy: d, volumePct: spec.volumePct ?? 0)
        case .meanDose: return .meanDose(doseGy: d)
        case .eud: return .eud(doseGy: d, exponent: spec.eudA ?? 1)
        }
    }

    /// One term per objective on the whole dose grid (rows = z-major dose-grid voxels), with the
    /// structure's voxels after overlap resolution.
    /// - Throws: ``PlanningError`` for an unknown structure or one that keeps no voxel after resampling
    ///   and overlap resolution.
    public static func terms(_ objectives: [ObjectiveSpec], structures: DoseGridStructures) throws -> [DoseObjective] {
        try objectives.enumerated().map { i, o in
            let rows = try structures.rows(named: o.structure, for: "objectives[\(i)]")
            guard !rows.isEmpty else {
                throw PlanningError("objectives[\(i)]: structure \"\(o.structure)\" has no dose-grid voxel left after resampling and overlap resolution")
            }
            return DoseObjective(function: function(of: o), penalty: o.penalty, voxels: rows)
        }
    }
}
