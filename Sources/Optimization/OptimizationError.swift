/// Errors raised when an optimisation problem is set up with inconsistent inputs.
public enum OptimizationError: Error, Equatable, CustomStringConvertible {
    /// A sparse matrix's offsets, indices or values are inconsistent.
    case invalidMatrix(String)
    /// An objective refers to voxels outside the block or has parameters out of range.
    case invalidObjective(String)
    /// Start point, bounds or gradient lengths do not match.
    case dimensionMismatch(String)

    public var description: String {
        switch self {
        case .invalidMatrix(let m): return "invalid influence matrix: \(m)"
        case .invalidObjective(let m): return "invalid objective: \(m)"
        case .dimensionMismatch(let m): return "dimension mismatch: \(m)"
        }
    }
}
