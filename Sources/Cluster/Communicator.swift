import CMPI

#if canImport(Glibc)
import Glibc
#endif

/// A group of MPI ranks that exchange messages and run collectives: rtcluster's only way to talk to MPI.
///
/// Obtain the world with `MPIEnvironment.world`. Every MPI return code is checked; any failure (and any misuse
/// that would leave other ranks hanging, e.g. a wrong buffer count in `alltoallv`) goes through
/// `MPIEnvironment.fatal`, which logs and aborts the whole world. Operations wait according to `waitPolicy`
/// (polling with short sleeps by default, so idle ranks leave the core to busy ones).
public struct Communicator: @unchecked Sendable {
    /// The MPI handle; immutable, so sharing it between threads is safe under the provided thread level.
    let handle: MPI_Comm

    /// This process's rank in 0..<size.
    public let rank: Int
    /// The number of ranks.
    public let size: Int
    /// How operations of this communicator value wait for completion.
    public var waitPolicy: WaitPolicy

    /// Wildcard for `source` in `recv`, `probe` and `iprobe`: match a message from any rank.
    public static let anySource = Int(MPI_ANY_SOURCE)
    /// Wildcard for `tag` in `recv`, `probe` and `iprobe`: match a message with any tag.
    public static let anyTag = Int(MPI_ANY_TAG)
    /// The largest tag every MPI implementation must accept (MPI guarantees at least 32767).
    public static let maxPortableTag = 32767

    init(handle: MPI_Comm, waitPolicy: WaitPolicy = .default) {
        self.handle = handle
        self.waitPolicy = waitPolicy
        var rank: Int32 = 0
        var size: Int32 = 0
        let rankCode = MPI_Comm_rank(handle, &rank)
        if rankCode != MPI_SUCCESS { MPIEnvironment.fatal("MPI_Comm_rank failed: \(MPIEnvironment.errorString(rankCode))") }
        let sizeCode = MPI_Comm_size(handle, &size)
        if sizeCode != MPI_SUCCESS { MPIEnvironment.fatal("MPI_Comm_size failed: \(MPIEnvironment.errorString(sizeCode))") }
        self.rank = Int(rank)
        self.size = Int(size)
    }

    /// A copy of this communicator that waits with `policy`.
    public func withWaitPolicy(_ policy: WaitPolicy) -> Communicator {
        var copy = self
        copy.waitPolicy = policy
        return copy
    }

    /// Ends the whole MPI world with exit `code` after logging `message` (see `MPIEnvironment.fatal`).
    public func abort(code: Int32, message: String, file: String = #fileID, line: Int = #line) -> Never {
        MPIEnvironment.fatal(message, code: code, file: file, line: line)
    }

    /// Aborts the world unless `code` is `MPI_SUCCESS`; `operation` describes the call and its arguments.
    func check(_ code: Int32, _ operation: @autoclosure () -> String, file: String = #fileID, line: Int = #line) {
        guard code != MPI_SUCCESS else { return }
        MPIEnvironment.fatal("\(operation()) failed on rank \(rank) of \(size): \(MPIEnvironment.errorString(code))",
                             file: file, line: line)
    }

    /// `value` as an MPI `int`, aborting the world if it does not fit (MPI counts are 32-bit).
    func int32(_ value: Int, _ what: @autoclosure () -> String) -> Int32 {
        guard let narrow = Int32(exactly: value) else {
            MPIEnvironment.fatal("\(what()) = \(value) does not fit an MPI int (limit \(Int32.max)) on rank \(rank)")
        }
        return narrow
    }

    /// Aborts the world unless `peer` is a valid rank (or `allowAny` and `peer` is `anySource`).
    func validatePeer(_ peer: Int, _ role: String, allowAny: Bool = false) {
        if allowAny && peer == Self.anySource { return }
        guard (0..<size).contains(peer) else {
            MPIEnvironment.fatal("\(role) rank \(peer) is outside 0..<\(size) (called on rank \(rank))")
        }
    }

    /// Runs one operation under the wait policy: the blocking MPI call, or the non-blocking one followed by
    /// `MPI_Test` with sleeps. Callers keep the buffers the closures use alive until this returns.
    func perform(_ operation: @autoclosure () -> String,
                 blocking: () -> Int32,
                 start: (UnsafeMutablePointer<MPI_Request?>) -> Int32) {
        switch waitPolicy {
        case .blocking:
            check(blocking(), operation())
        case .polling:
            var request: MPI_Request? = rt_mpi_request_null()
            check(start(&request), operation())
            waitForCompletion(&request, operation())
        }
    }

    /// Waits until `request` completes, following the wait policy.
    func waitForCompletion(_ request: inout MPI_Request?, _ operation: @autoclosure () -> String) {
        switch waitPolicy {
        case .blocking:
            check(MPI_Wait(&request, rt_mpi_status_ignore()), "MPI_Wait for \(operation())")
        case .polling:
            poll {
                var done: Int32 = 0
                check(MPI_Test(&request, &done, rt_mpi_status_ignore()), "MPI_Test for \(operation())")
                return done != 0
            }
        }
    }

    /// Calls `attempt` until it returns true: back to back during the policy's spin time, then sleeping between
    /// attempts with the policy's doubling sleeps. Under `.blocking` it retries without sleeping.
    func poll(_ attempt: () -> Bool) {
        guard case .polling(let spin, let initialSleep, let maxSleep) = waitPolicy else {
            while !attempt() {}
            return
        }
        let clock = ContinuousClock()
        let spinEnd = clock.now + .microseconds(spin)
        while clock.now < spinEnd {
            if attempt() { return }
        }
        var sleepMicroseconds = max(initialSleep, 1)
        while !attempt() {
            usleep(sleepMicroseconds)
            sleepMicroseconds = min(sleepMicroseconds * 2, max(maxSleep, 1))
        }
    }
}
