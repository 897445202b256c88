/// Errors raised by geometry and volume operations.
public enum CoreError: Error, Equatable, CustomStringConvertible {
    /// Grid dimensions, spacing or origin are not valid.
    case invalidGrid(String)
    /// An array's size does not match the grid it was attached to.
    case sizeMismatch(expected: Int, got: Int)
    /// A slab decomposition was requested with impossible parameters.
    case invalidDecomposition(String)
    /// A ``BoxedVolume``'s box or pieces do not fit its grid.
    case invalidBox(String)

    public var description: String {
        switch self {
        case .invalidGrid(let m): return "invalid grid: \(m)"
        case .sizeMismatch(let e, let g): return "voxel array has \(g) elements, grid needs \(e)"
        case .invalidDecomposition(let m): return "invalid slab decomposition: \(m)"
        case .invalidBox(let m): return "invalid boxed volume: \(m)"
        }
    }
}
