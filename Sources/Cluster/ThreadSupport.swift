import CMPI

/// The level of thread support requested from and provided by `MPI_Init_thread`.
///
/// `.serialized` (the default) allows MPI calls from any thread, one at a time — what Swift tasks that
/// hop between threads need. `.multiple` allows concurrent calls from several threads.
public enum ThreadSupport: Int32, Sendable, Comparable, CaseIterable {
    case single, funneled, serialized, multiple

    var mpiLevel: Int32 {
        switch self {
        case .single: return Int32(MPI_THREAD_SINGLE)
        case .funneled: return Int32(MPI_THREAD_FUNNELED)
        case .serialized: return Int32(MPI_THREAD_SERIALIZED)
        case .multiple: return Int32(MPI_THREAD_MULTIPLE)
        }
    }

    init(mpiLevel: Int32) {
        self = Self.allCases.last { $0.mpiLevel <= mpiLevel } ?? .single
    }

    public static func < (lhs: ThreadSupport, rhs: ThreadSupport) -> Bool { lhs.rawValue < rhs.rawValue }
}
