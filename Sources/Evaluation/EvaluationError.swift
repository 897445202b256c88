/// Errors raised by plan evaluation and dose comparison.
public enum EvaluationError: Error, Equatable, CustomStringConvertible {
    /// A structure has no voxels, so its DVH metrics are undefined.
    case emptyStructure(String)
    /// Dose and mask (or two arrays) are not on the same grid.
    case gridMismatch(String)
    /// A parameter is outside its valid range.
    case invalidParameter(String)

    public var description: String {
        switch self {
        case .emptyStructure(let name): return "structure \(name) has no voxels"
        case .gridMismatch(let m): return "grid mismatch: \(m)"
        case .invalidParameter(let m): return "invalid parameter: \(m)"
        }
    }
}
