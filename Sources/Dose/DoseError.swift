/// Errors raised by the dose engine for invalid inputs.
public enum DoseError: Error, Equatable, CustomStringConvertible {
    /// A parameter is outside its valid range; the message says which and why.
    case invalidParameter(String)
    /// The target mask has no voxel or does not match the expected grid.
    case invalidTarget(String)

    public var description: String {
        switch self {
        case .invalidParameter(let m): return "invalid dose parameter: \(m)"
        case .invalidTarget(let m): return "invalid target: \(m)"
        }
    }
}
