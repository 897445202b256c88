import Evaluation

/// A cumulative DVH of one structure: `volumePct[i]` % of it receives at least `doseGy[i]`.
public struct DVHCurve: Sendable, Equatable {
    /// Structure name.
    public var structure: String
    /// Dose points in Gy, increasing.
    public var doseGy: [Double]
    /// Volume in % at each dose point, non-increasing.
    public var volumePct: [Double]

    /// A curve; throws unless the arrays are non-empty, equally long, finite, doses increasing
    /// and volumes within 0...100.
    public init(structure: String, doseGy: [Double], volumePct: [Double]) throws {
        guard !doseGy.isEmpty, doseGy.count == volumePct.count else {
            throw ReportError("DVH of \(structure): \(doseGy.count) dose and \(volumePct.count) volume points")
        }
        guard doseGy.allSatisfy(\.isFinite), volumePct.allSatisfy({ $0.isFinite && $0 >= 0 && $0 <= 100 + 1e-9 }),
              zip(doseGy, doseGy.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw ReportError("DVH of \(structure): doses must increase and volumes lie within 0...100 %")
        }
        self.structure = structure
        self.doseGy = doseGy
        self.volumePct = volumePct
    }

    /// The curve of an Evaluation DVH.
    public init(_ dvh: CumulativeDVH) {
        structure = dvh.structure
        doseGy = dvh.doseGy
        volumePct = dvh.volumePct
    }

    /// Volume (%) at `dose`: linear between points, the first value below the first point and
    /// the last value beyond the last.
    public func volumePct(atDoseGy dose: Double) -> Double {
        guard dose > doseGy[0] else { return volumePct[0] }
        guard dose < doseGy[doseGy.count - 1] else { return volumePct[volumePct.count - 1] }
        var lo = 0, hi = doseGy.count - 1
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if doseGy[mid] <= dose { lo = mid } else { hi = mid }
        }
        let t = (dose - doseGy[lo]) / (doseGy[hi] - doseGy[lo])
        return volumePct[lo] + t * (volumePct[hi] - volumePct[lo])
    }
}
