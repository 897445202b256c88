import Core

/// Plan quality indices and prescription normalisation.
public enum PlanQuality {
    /// Homogeneity index (D5 − D95) / D50 of a target (0 for a perfectly uniform dose).
    public static func homogeneityIndex(_ target: StructureDose) -> Double {
        (target.doseAtVolume(5) - target.doseAtVolume(95)) / target.doseAtVolume(50)
    }

    /// Paddick conformity index TV_PIV² / (TV × PIV): TV = target voxels, PIV = voxels of the whole
    /// grid receiving ≥ `referenceDoseGy`, TV_PIV = target voxels receiving ≥ it. 1 is ideal; 0 when
    /// no voxel reaches the reference dose.
    public static func paddickConformityIndex(dose: DoseVolume, target: MaskVolume, referenceDoseGy: Double) throws -> Double {
        guard dose.grid == target.grid else { throw EvaluationError.gridMismatch("dose \(dose.grid), target \(target.grid)") }
        var tv = 0, piv = 0, both = 0
        let d = dose.voxels, m = target.voxels
        for i in d.indices {
            let inside = m[i] != 0, covered = Double(d[i]) >= referenceDoseGy
            if inside { tv += 1 }
            if covered { piv += 1 }
            if inside && covered { both += 1 }
        }
        guard tv > 0 else { throw EvaluationError.emptyStructure("target") }
        guard piv > 0 else { return 0 }
        return Double(both) * Double(both) / (Double(tv) * Double(piv))
    }

    /// The factor that scales a plan so that the target's D95 equals `prescriptionGy`.
    public static func normalisationFactor(target: StructureDose, prescriptionGy: Double) throws -> Double {
        let d95 = target.doseAtVolume(95)
        guard d95 > 0, prescriptionGy > 0, prescriptionGy.isFinite else {
            throw EvaluationError.invalidParameter("cannot scale D95 = \(d95) Gy to \(prescriptionGy) Gy")
        }
        return prescriptionGy / d95
    }
}
