import CMPI
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The process-wide MPI lifetime: initialisation, the world communicator, the fatal-error policy and finalisation.
///
/// MPI may be initialised once per process and never again after `finalize()`. `initialize` is idempotent and
/// thread-safe: the first call runs `MPI_Init_thread`, sets `MPI_ERRORS_RETURN` on the world communicator and
/// returns it; later calls return the same communicator. A process started without `mpirun` becomes an isolated
/// singleton world of size 1: Open MPI's `ess_singleton_isolated` is set (unless the environment sets it), so no
/// `orted` daemon is forked, which would inherit every descriptor the process has open at that moment (files, locks,
/// pipes) and keep them to the process's end. Test processes initialise once and never finalise.
public enum MPIEnvironment {
    private struct State {
        var world: Communicator?
        var threadSupport: ThreadSupport?
    }

    private static let state = Mutex(State())

    /// The logger used for fatal errors; every entry carries the world rank as `rank` metadata.
    static let logger = Logger(label: "rtcluster.cluster")

    /// Whether `MPI_Init_thread` has been called in this process (it stays true after finalisation).
    public static var isInitialized: Bool {
        var flag: Int32 = 0
        MPI_Initialized(&flag)
        return flag != 0
    }

    /// Whether `MPI_Finalize` has been called in this process; MPI cannot be used again afterwards.
    public static var isFinalized: Bool {
        var flag: Int32 = 0
        MPI_Finalized(&flag)
        return flag != 0
    }

    /// The thread support MPI provided, or nil before initialisation.
    public static var threadSupport: ThreadSupport? { state.withLock { $0.threadSupport } }

    /// Initialises MPI once (requesting `threadSupport`) and returns the world communicator.
    ///
    /// Later calls return the existing world whatever level they request; check `threadSupport` for what was
    /// provided. Initialising after `finalize()` is a fatal error (MPI forbids it).
    @discardableResult
    public static func initialize(threadSupport requested: ThreadSupport = .serialized) -> Communicator {
        state.withLock { state in
            if let world = state.world { return world }
            if isFinalized { fatal("MPI cannot be initialised again after MPI_Finalize") }
            var provided: Int32 = 0
            if isInitialized {
                MPI_Query_thread(&provided)
            } else {
                setenv("OMPI_MCA_ess_singleton_isolated", "1", 0)  // read by the singleton component only
                let code = MPI_Init_thread(nil, nil, requested.mpiLevel, &provided)
                if code != MPI_SUCCESS { fatal("MPI_Init_thread failed with error code \(code)") }
            }
            let handle: MPI_Comm = rt_mpi_comm_world()
            let errhandlerCode = MPI_Comm_set_errhandler(handle, rt_mpi_errors_return())
            if errhandlerCode != MPI_SUCCESS { fatal("MPI_Comm_set_errhandler(MPI_COMM_WORLD) failed: \(errorString(errhandlerCode))") }
            let world = Communicator(handle: handle)
            state.world = world
            state.threadSupport = ThreadSupport(mpiLevel: provided)
            return world
        }
    }

    /// The world communicator, initialising MPI with the default thread support on first use.
    public static var world: Communicator { initialize() }

    /// The name of the node this process runs on (`MPI_Get_processor_name`); initialises MPI if needed.
    public static var processorName: String {
        _ = initialize()
        var buffer = [CChar](repeating: 0, count: Int(MPI_MAX_PROCESSOR_NAME) + 1)
        var length: Int32 = 0
        let code = MPI_Get_processor_name(&buffer, &length)
        if code != MPI_SUCCESS { fatal("MPI_Get_processor_name failed: \(errorString(code))") }
        return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Finalises MPI (collective over the world: every rank must call it). Call at most once, at the end of a
    /// program and never in a test process. Does nothing if MPI was never initialised or is already finalised.
    public static func finalize() {
        state.withLock { state in
            guard isInitialized, !isFinalized else { return }
            let code = MPI_Finalize()
            if code != MPI_SUCCESS { fatal("MPI_Finalize failed: \(errorString(code))") }
            state.world = nil
        }
    }

    /// Reports an unrecoverable error and ends the whole MPI world: logs `message` at critical level with the
    /// world rank and source location, then calls `MPI_Abort(MPI_COMM_WORLD, code)` so that no rank is left
    /// hanging. Without an active MPI world (never initialised or finalised) it exits the process with `code`.
    public static func fatal(_ message: String, code: Int32 = 1, file: String = #fileID, line: Int = #line) -> Never {
        let active = isInitialized && !isFinalized
        var rank: Int32 = -1
        if active { MPI_Comm_rank(rt_mpi_comm_world(), &rank) }
        logger.critical(
            "\(message)",
            metadata: ["rank": active ? "\(rank)" : "none", "location": "\(file):\(line)", "exitCode": "\(code)"]
        )
        if active { MPI_Abort(rt_mpi_comm_world(), code) }
        exit(code)
    }

    /// The text MPI gives for an error code (`MPI_Error_string`), with the code itself.
    static func errorString(_ code: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: Int(MPI_MAX_ERROR_STRING) + 1)
        var length: Int32 = 0
        guard MPI_Error_string(code, &buffer, &length) == MPI_SUCCESS else { return "MPI error code \(code)" }
        let text = String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return "\(text) (MPI error code \(code))"
    }
}
