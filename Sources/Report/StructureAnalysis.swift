import Core
import Evaluation

/// DVH curves and metrics computed from a dose and the structures when a result carries none.
enum StructureAnalysis {
    /// Metrics of every structure (volume always; dose metrics when `doseGy` is given and the
    /// structure has voxels on the dose grid) and the DVH curves of the structures with dose.
    /// Masks are resampled to the dose grid (nearest voxel); DVH bins are 1/500 of the dose maximum.
    static func analyse(doseGy: DoseVolume?, structures: [ReportStructure]) throws -> (PlanMetrics, [DVHCurve]) {
        var metrics: [PlanMetrics.StructureMetrics] = []
        var curves: [DVHCurve] = []
        let maxDose = Double(doseGy?.voxels.max() ?? 0)
        let binWidth = max(maxDose / 500, 1e-6)
        for s in structures {
            guard let doseGy else {
                let voxels = s.mask.voxels.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
                metrics.append(.init(name: s.name, voxels: voxels, volumeCM3: Double(voxels) * s.mask.grid.voxelVolumeCC))
                continue
            }
            let mask = MaskResampler.nearest(s.mask, onto: doseGy.grid)
            let voxels = mask.voxels.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
            var m = PlanMetrics.StructureMetrics(name: s.name, voxels: voxels, volumeCM3: Double(voxels) * doseGy.grid.voxelVolumeCC)
            if voxels > 0 {
                let dose = try StructureDose(name: s.name, dose: doseGy, mask: mask)
                m.dmeanGy = dose.meanGy
                m.dminGy = dose.minGy
                m.dmaxGy = dose.maxGy
                m.d2Gy = dose.doseAtVolume(2)
                m.d5Gy = dose.doseAtVolume(5)
                m.d10Gy = dose.doseAtVolume(10)
                m.d50Gy = dose.doseAtVolume(50)
                m.d95Gy = dose.doseAtVolume(95)
                m.d98Gy = dose.doseAtVolume(98)
                curves.append(DVHCurve(try dose.cumulativeDVH(binWidthGy: binWidth)))
            }
            metrics.append(m)
        }
        return (PlanMetrics(structures: metrics), curves)
    }
}
