/// Errors raised when a phantom cannot be generated with the requested parameters.
public enum PhantomError: Error, Equatable, CustomStringConvertible {
    /// The voxel dimensions are too small for the anatomy or otherwise invalid.
    case invalidSize(String)
    /// A geometric or imaging parameter is out of range (noise, margin, water shape).
    case invalidParameter(String)

    public var description: String {
        switch self {
        case .invalidSize(let m): return "invalid phantom size: \(m)"
        case .invalidParameter(let m): return "invalid phantom parameter: \(m)"
        }
    }
}
