#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif

/// A tabulated positive function of energy, interpolated linearly in log(value) against log(energy).
///
/// Outside the table the end segments are extrapolated (a power law), which is how the
/// photoelectric coefficient is continued below 0.1 MeV.
struct LogLogTable: Sendable {
    let logX: [Double]
    let logY: [Double]

    /// A table from strictly increasing positive `x` and positive `y`.
    init(x: [Double], y: [Double]) {
        precondition(x.count == y.count && x.count >= 2, "log-log table needs at least two points")
        precondition(zip(x, x.dropFirst()).allSatisfy { $0 < $1 } && y.allSatisfy { $0 > 0 }, "log-log table needs increasing x and positive y")
        logX = x.map { log($0) }
        logY = y.map { log($0) }
    }

    /// Interpolated (or end-extrapolated) value at `x` > 0.
    func value(at x: Double) -> Double {
        exp(logValue(atLog: log(x)))
    }

    /// Interpolated log(value) at log(x).
    func logValue(atLog lx: Double) -> Double {
        var lo = 0, hi = logX.count - 1
        if lx <= logX[1] { hi = 1 } else if lx >= logX[hi - 1] { lo = hi - 1 } else {
            while hi - lo > 1 {
                let mid = (lo + hi) / 2
                if logX[mid] <= lx { lo = mid } else { hi = mid }
            }
        }
        let t = (lx - logX[lo]) / (logX[hi] - logX[lo])
        return logY[lo] + t * (logY[hi] - logY[lo])
    }
}
