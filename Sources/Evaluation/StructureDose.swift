import Core

/// The doses of one structure's voxels, sorted, with the DVH metrics read from them.
///
/// Every voxel counts with the same volume. The dose at volume D_x (x in %) is the dose of the
/// voxel of rank k = max(1, ⌈x n / 100⌉) in decreasing dose order — the highest dose d such that
/// at least x % of the voxels receive ≥ d, read off the step-function DVH without interpolation
/// (matRad's and pyRadPlan's convention). D0 is Dmax, D100 is Dmin. V_x Gy is the percentage of
/// voxels with dose ≥ x Gy.
public struct StructureDose: Sendable, Equatable {
    /// Structure name.
    public let name: String
    /// Voxel doses in Gy, decreasing.
    public let sortedDoseGy: [Double]
    /// Mean dose in Gy.
    public let meanGy: Double

    /// The doses `doseGy` of a structure's voxels (any order); throws when empty.
    public init(name: String, doseGy: [Double]) throws {
        guard !doseGy.isEmpty else { throw EvaluationError.emptyStructure(name) }
        self.name = name
        self.sortedDoseGy = doseGy.sorted(by: >)
        self.meanGy = doseGy.reduce(0, +) / Double(doseGy.count)
    }

    /// The doses of the voxels where `mask` is non-zero; dose and mask must share the grid.
    public init(name: String, dose: DoseVolume, mask: MaskVolume) throws {
        guard dose.grid == mask.grid else { throw EvaluationError.gridMismatch("dose \(dose.grid), mask of \(name) \(mask.grid)") }
        var values: [Double] = []
        let m = mask.voxels, d = dose.voxels
        for i in m.indices where m[i] != 0 { values.append(Double(d[i])) }
        try self.init(name: name, doseGy: values)
    }

    /// Number of voxels.
    public var voxelCount: Int { sortedDoseGy.count }
    /// Highest voxel dose (Gy).
    public var maxGy: Double { sortedDoseGy[0] }
    /// Lowest voxel dose (Gy).
    public var minGy: Double { sortedDoseGy[sortedDoseGy.count - 1] }

    /// D_x: dose (Gy) received by at least `volumePct` % of the voxels (see the type's convention), 0 ≤ x ≤ 100.
    public func doseAtVolume(_ volumePct: Double) -> Double {
        let n = sortedDoseGy.count
        let exact = min(max(volumePct, 0), 100) * Double(n) / 100
        let rank = min(n, max(1, Int((exact - 1e-9).rounded(.up))))
        return sortedDoseGy[rank - 1]
    }

    /// V_x: percentage of voxels receiving at least `doseGy`.
    public func volumeAtDose(_ doseGy: Double) -> Double {
        var lo = 0, hi = sortedDoseGy.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sortedDoseGy[mid] >= doseGy { lo = mid + 1 } else { hi = mid }
        }
        return 100 * Double(lo) / Double(sortedDoseGy.count)
    }

    /// The value of `metric`: Gy for dose metrics, % for `volumeAtDose`.
    public func value(of metric: DVHMetric) -> Double {
        switch metric {
        case .doseAtVolume(let pct): return doseAtVolume(pct)
        case .meanDose: return meanGy
        case .maxDose: return maxGy
        case .minDose: return minGy
        case .volumeAtDose(let gy): return volumeAtDose(gy)
        }
    }

    /// Cumulative DVH sampled every `binWidthGy` from 0 Gy to the first bin edge above Dmax.
    public func cumulativeDVH(binWidthGy: Double) throws -> CumulativeDVH {
        guard binWidthGy.isFinite, binWidthGy > 0 else { throw EvaluationError.invalidParameter("DVH bin width \(binWidthGy) Gy") }
        let bins = Int((max(maxGy, 0) / binWidthGy).rounded(.down)) + 2
        let doses = (0..<bins).map { Double($0) * binWidthGy }
        return CumulativeDVH(structure: name, doseGy: doses, volumePct: doses.map { volumeAtDose($0) })
    }

    /// The same structure with every dose multiplied by `factor` (≥ 0).
    public func scaled(by factor: Double) -> StructureDose {
        StructureDose(name: name, sortedDoseGy: sortedDoseGy.map { $0 * factor }, meanGy: meanGy * factor)
    }

    private init(name: String, sortedDoseGy: [Double], meanGy: Double) {
        self.name = name
        self.sortedDoseGy = sortedDoseGy
        self.meanGy = meanGy
    }
}
