/// The value of an HDF5 attribute as rtcluster reads and writes it: provenance, metrics and
/// geometry metadata.
///
/// On reading, integer attributes become `.int`/`.ints`, float32 and float64 attributes
/// `.double`/`.doubles` (a one-element array stays an array), and fixed- or variable-length
/// strings `.string`.
public enum AttributeValue: Sendable, Hashable, CustomStringConvertible {
    case string(String)
    case int(Int)
    case double(Double)
    case ints([Int])
    case doubles([Double])

    public var description: String {
        switch self {
        case .string(let s): return "\"\(s)\""
        case .int(let v): return "\(v)"
        case .double(let v): return "\(v)"
        case .ints(let v): return "\(v)"
        case .doubles(let v): return "\(v)"
        }
    }
}
