import CMPI

/// An element-wise reduction applied across ranks by `allreduce`.
///
/// For arrays the operation is applied per index: result[i] = op over ranks r of values_r[i].
/// Floating-point sums may depend on the reduction order MPI chooses; integer sums wrap on overflow
/// as in C (MPI does not trap).
public enum ReductionOperation: Sendable, Equatable, CaseIterable {
    case sum, max, min

    var handle: MPI_Op {
        switch self {
        case .sum: return rt_mpi_op_sum()
        case .max: return rt_mpi_op_max()
        case .min: return rt_mpi_op_min()
        }
    }
}
