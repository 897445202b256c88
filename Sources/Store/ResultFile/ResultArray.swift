/// An n-dimensional numeric array stored in a result file under a named path (plan weights,
/// DVH tables, beam parameters...), row-major with `shape` slowest axis first.
public struct ResultArray: Sendable, Equatable {
    /// The element values with their stored type.
    public enum Values: Sendable, Equatable {
        case float32([Float])
        case float64([Double])
        case int32([Int32])
        case int64([Int64])

        /// Number of elements.
        public var count: Int {
            switch self {
            case .float32(let v): return v.count
            case .float64(let v): return v.count
            case .int32(let v): return v.count
            case .int64(let v): return v.count
            }
        }
    }

    /// Dimensions, slowest first (e.g. `[bins, 2]` for a DVH table); at least one.
    public let shape: [Int]
    /// The elements, row-major.
    public let values: Values

    /// An array of `shape`; throws when `shape` is empty, a dimension is negative or the element
    /// count differs from the product of `shape`.
    public init(shape: [Int], values: Values) throws {
        guard !shape.isEmpty, shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) == values.count else {
            throw StoreError.invalid(file: "(result in memory)", object: "array", reason: "shape \(shape) does not hold \(values.count) elements")
        }
        self.shape = shape
        self.values = values
    }

    /// A one-dimensional array.
    public init(_ values: Values) {
        self.shape = [values.count]
        self.values = values
    }
}
