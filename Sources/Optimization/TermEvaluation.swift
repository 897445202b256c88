import Foundation

/// Value and dose gradient of one term on the local voxels, given its global statistics.
enum TermEvaluation {
    /// The dose entering the EUD power sum for exponent `a`.
    static func eudDose(_ d: Double, exponent a: Double) -> Double {
        a < 1 ? max(d, ObjectiveFunction.eudDoseFloorGy) : max(d, 0)
    }

    /// Local Σ d (mean dose) or Σ d^a (EUD); 0 for other terms.
    static func localSum(_ o: DoseObjective, doseGy: [Double]) -> Double {
        switch o.function {
        case .meanDose: return o.voxels.reduce(0) { $0 + doseGy[Int($1)] }
        case .eud(_, let a): return o.voxels.reduce(0) { $0 + pow(eudDose(doseGy[Int($1)], exponent: a), a) }
        default: return 0
        }
    }

    /// Adds penalty × ∂f/∂d of the term to `gradient` (per voxel) and returns this rank's share of penalty × f.
    static func accumulate(_ o: DoseObjective, statistics s: TermStatistics, doseGy: [Double], gradient: inout [Double]) -> Double {
        guard s.count > 0 else { return 0 }
        let n = Double(s.count), p = o.penalty, ref = o.function.doseGy
        switch o.function {
        case .squaredDeviation:
            return squares(o, doseGy, &gradient, scale: p / n) { d in d - ref }
        case .squaredUnderdose:
            return squares(o, doseGy, &gradient, scale: p / n) { d in min(d - ref, 0) }
        case .squaredOverdose:
            return squares(o, doseGy, &gradient, scale: p / n) { d in max(d - ref, 0) }
        case .minDVH:
            let lower = s.doseAtVolumeGy
            return squares(o, doseGy, &gradient, scale: p / n) { d in d >= lower && d <= ref ? d - ref : 0 }
        case .maxDVH:
            let upper = s.doseAtVolumeGy
            return squares(o, doseGy, &gradient, scale: p / n) { d in d >= ref && d <= upper ? d - ref : 0 }
        case .meanDose:
            let deviation = s.sum / n - ref
            let g = 2 * p * deviation / n
            for v in o.voxels { gradient[Int(v)] += g }
            return p * deviation * deviation * Double(s.localCount) / n
        case .eud(_, let a):
            let eud = pow(s.sum / n, 1 / a)
            let deviation = eud - ref
            let factor = 2 * p * deviation * pow(eud, 1 - a) / n
            for v in o.voxels {
                let d = doseGy[Int(v)]
                if a < 1 && d < ObjectiveFunction.eudDoseFloorGy { continue }
                gradient[Int(v)] += factor * pow(max(d, 0), a - 1)
            }
            return p * deviation * deviation * Double(s.localCount) / n
        }
    }

    /// scale × Σ r(d)² with gradient 2 scale r(d), for the voxel-separable terms.
    private static func squares(_ o: DoseObjective, _ doseGy: [Double], _ gradient: inout [Double], scale: Double,
                                residual: (Double) -> Double) -> Double {
        var sum = 0.0
        for v in o.voxels {
            let r = residual(doseGy[Int(v)])
            sum += r * r
            gradient[Int(v)] += 2 * scale * r
        }
        return scale * sum
    }
}
