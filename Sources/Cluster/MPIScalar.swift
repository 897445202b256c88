import CMPI

/// A fixed-size numeric element that MPI can transfer and reduce without conversion.
///
/// Conforming types are bitwise copyable and map one-to-one onto an MPI datatype through
/// `mpiElementKind`; messages are sent as that datatype, so both sides must use the same Swift type.
/// The conformances are UInt8, Int16, Int32, Int64, UInt64, Int (64-bit), Float and Double.
public protocol MPIScalar: BitwiseCopyable, Sendable, Equatable {
    /// The MPI element type this Swift type is transferred as.
    static var mpiElementKind: MPIElementKind { get }
}

/// The MPI element types that `MPIScalar` conformances map onto.
public enum MPIElementKind: Sendable, Equatable {
    case uint8, int16, int32, int64, uint64, float32, float64

    /// The MPI datatype handle of this element type.
    var datatype: MPI_Datatype {
        switch self {
        case .uint8: return rt_mpi_uint8()
        case .int16: return rt_mpi_int16()
        case .int32: return rt_mpi_int32()
        case .int64: return rt_mpi_int64()
        case .uint64: return rt_mpi_uint64()
        case .float32: return rt_mpi_float()
        case .float64: return rt_mpi_double()
        }
    }
}

extension UInt8: MPIScalar { public static var mpiElementKind: MPIElementKind { .uint8 } }
extension Int16: MPIScalar { public static var mpiElementKind: MPIElementKind { .int16 } }
extension Int32: MPIScalar { public static var mpiElementKind: MPIElementKind { .int32 } }
extension Int64: MPIScalar { public static var mpiElementKind: MPIElementKind { .int64 } }
extension UInt64: MPIScalar { public static var mpiElementKind: MPIElementKind { .uint64 } }
extension Float: MPIScalar { public static var mpiElementKind: MPIElementKind { .float32 } }
extension Double: MPIScalar { public static var mpiElementKind: MPIElementKind { .float64 } }

/// `Int` is transferred as a 64-bit integer; rtcluster only targets 64-bit platforms.
extension Int: MPIScalar {
    public static var mpiElementKind: MPIElementKind {
        precondition(MemoryLayout<Int>.size == 8, "MPIScalar requires a 64-bit Int")
        return .int64
    }
}
