/// A `selftest` job: the scheduler's built-in diagnostic workload over the z-slabs of the case's CT.
///
/// Each task checksums one slab (FNV-1a 64 of its voxel bytes), runs a tunable floating-point stencil over it
/// and carries `payloadBytes` extra bytes to its worker and back. Tasks map onto slabs cyclically, so the task
/// count is independent of the CT size. Failure injection: `failTask` throws in that task (the job fails),
/// `crashTask` makes the rank running it abort the MPI world on attempt `crashOnAttempt` only.
public struct SelftestSpec: Hashable, Sendable {
    /// Number of tasks, 1…100 000.
    public var tasks: Int
    /// CT slices per slab, 0…4096 (default 1); 0 makes empty tasks that carry and checksum no CT data.
    public var slicesPerTask: Int
    /// Sweeps of the 3-point stencil over each slab, 0…1 000 000 (default 0): the tunable cost of a task.
    public var computeIterations: Int
    /// Extra bytes carried to the worker and echoed back by every task, 0…16 MiB (default 0).
    public var payloadBytes: Int
    /// Index of a task that throws (the job fails with a message naming it), or nil.
    public var failTask: Int?
    /// Index of a task whose rank aborts the MPI world (a rank crash), or nil.
    public var crashTask: Int?
    /// The attempt (1…100, default 1) on which `crashTask` crashes; later attempts run it normally.
    public var crashOnAttempt: Int

    /// Largest number of tasks.
    public static let maxTasks = 100_000
    /// Largest payload per task, in bytes (16 MiB).
    public static let maxPayloadBytes = 16 << 20
    /// Largest payload summed over all tasks, in bytes (1 GiB): the coordinator holds every task message.
    public static let maxTotalPayloadBytes = 1 << 30

    /// Creates a selftest request; values are taken as given (ranges are checked by the parser).
    public init(tasks: Int, slicesPerTask: Int = 1, computeIterations: Int = 0, payloadBytes: Int = 0,
                failTask: Int? = nil, crashTask: Int? = nil, crashOnAttempt: Int = 1) {
        self.tasks = tasks
        self.slicesPerTask = slicesPerTask
        self.computeIterations = computeIterations
        self.payloadBytes = payloadBytes
        self.failTask = failTask
        self.crashTask = crashTask
        self.crashOnAttempt = crashOnAttempt
    }
}
