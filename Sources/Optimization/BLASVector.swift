import CBLAS

/// Dense Double vector operations of the quasi-Newton method, through OpenBLAS.
enum BLASVector {
    /// xᵀy.
    static func dot(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == y.count)
        return x.withUnsafeBufferPointer { a in y.withUnsafeBufferPointer { b in
            cblas_ddot(blasint(x.count), a.baseAddress, 1, b.baseAddress, 1)
        } }
    }

    /// y ← y + αx.
    static func axpy(_ alpha: Double, _ x: [Double], _ y: inout [Double]) {
        precondition(x.count == y.count)
        x.withUnsafeBufferPointer { a in y.withUnsafeMutableBufferPointer { b in
            cblas_daxpy(blasint(x.count), alpha, a.baseAddress, 1, b.baseAddress, 1)
        } }
    }

    /// x ← αx.
    static func scale(_ alpha: Double, _ x: inout [Double]) {
        x.withUnsafeMutableBufferPointer { a in cblas_dscal(blasint(a.count), alpha, a.baseAddress, 1) }
    }
}

/// Thread count of OpenBLAS in this process.
public enum BLASThreads {
    /// Sets the number of OpenBLAS threads; use 1 when MPI ranks already fill the cores.
    public static func set(_ count: Int) {
        openblas_set_num_threads(Int32(max(1, count)))
    }
}
