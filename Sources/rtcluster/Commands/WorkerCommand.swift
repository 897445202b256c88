import ArgumentParser
import Cluster
import Core
import Foundation
import Logging
import Synchronization

/// `rtcluster worker`: the MPI program. Rank 0 coordinates (registry, store, scheduling), ranks 1…N-1 run tasks;
/// with one rank the coordinator runs the tasks itself.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run the scheduler in this MPI world: rank 0 coordinates, the other ranks run tasks.",
        discussion: helpText("""
        --drain processes the queue until it is empty, then exits 0 when every job it processed succeeded
        or was cancelled, 1 when any of them failed (the summary counts them; `rtcluster list --state
        failed` names them). A job still running under another owner's lease (a run that crashed keeps
        it until it expires) is waited for, with a notice "job held by owner X until T; waiting", and
        claimed again when the lease expires; jobs still held after --drain-wait-seconds are logged and
        counted as "held", and the exit code is 1 ("ok" false). --serve keeps polling for new jobs
        until SIGTERM/SIGINT/SIGUSR1 (under mpirun send SIGUSR1: mpirun forwards it), then finishes the jobs in flight and exits 0. Logs go to stderr as
        `time level rank job task message`. An unrecoverable error on any rank aborts the MPI world.
        Examples:
          rtcluster worker --drain              # one process: rank 0 runs tasks
          scripts/mpirun.sh -n 4 .build/release/rtcluster worker --drain
          srun rtcluster worker --serve --lease-seconds 120    # in a Slurm allocation
        """)
    )
    @OptionGroup var global: GlobalOptions
    @Flag(help: "When to stop: --drain when the queue is empty (default), --serve on SIGTERM/SIGINT/SIGUSR1.")
    var mode: RunMode = .drain
    @Option(name: .customLong("poll-ms"), help: "Registry poll period in ms (cancellations, new jobs), 1-1000.")
    var pollMilliseconds = 250
    @Option(help: "Lease length in seconds; renewed every third of it. An expired lease is requeued by the next run.")
    var leaseSeconds = 60.0
    @Option(help: "--drain: wait at most this long (0-604800 s) for jobs held under another owner's unexpired lease.")
    var drainWaitSeconds = CoordinatorOptions.defaultDrainWaitSeconds
    @Option(help: "At most this many jobs in flight at once (1-64).")
    var maxJobs = 4
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: LogLevelArgument = LogLevelArgument(level: .info)

    func validate() throws {
        guard (1...1000).contains(pollMilliseconds) else { throw ValidationError("--poll-ms must be between 1 and 1000") }
        guard leaseSeconds.isFinite, leaseSeconds >= 0.1, leaseSeconds <= 7 * 86_400 else {
            throw ValidationError("--lease-seconds must be between 0.1 and 604800")
        }
        guard drainWaitSeconds.isFinite, (0...604_800).contains(drainWaitSeconds) else {
            throw ValidationError("--drain-wait-seconds must be between 0 and 604800")
        }
        guard (1...64).contains(maxJobs) else { throw ValidationError("--max-jobs must be between 1 and 64") }
    }

    func run() throws {
        // Coordinator and workers allocate and free full-size volumes per task: reuse the memory.
        ProcessMemory.retainFreedMemory()
        let world = MPIEnvironment.initialize()
        let level = logLevel.level
        LoggingSystem.bootstrap { _ in RankLogHandler(rank: world.rank, level: level) }
        if mode == .serve { StopSignal.install() }
        guard world.rank == 0 else {
            WorkerLoop.run(communicator: world, catalog: .standard)
            MPIEnvironment.finalize()
            return
        }
        let summary: CoordinatorSummary
        do {
            let data = global.dataDirectory
            let registry = try data.openRegistry()
            let pool: any WorkerPool = world.size > 1 ? MPIWorkerPool(communicator: world) : LocalWorkerPool(catalog: .standard)
            let options = CoordinatorOptions(
                mode: mode == .serve ? .serve : .drain, leaseSeconds: leaseSeconds, pollSeconds: Double(pollMilliseconds) / 1000,
                maxJobsInFlight: maxJobs, softwareVersion: RTClusterVersion.string, drainWaitSeconds: drainWaitSeconds, stopRequested: { StopSignal.requested })
            Logger(label: "rtcluster.worker").info("coordinator \(options.owner) starts on \(counted(world.size, "rank")) (\(mode.rawValue))")
            summary = try Coordinator(registry: registry, dataRoot: data.root, catalog: .standard, pool: pool, options: options).run()
        } catch {
            MPIEnvironment.fatal("coordinator stopped: \(error)")
        }
        MPIEnvironment.finalize()
        let report = WorkerReport(summary: summary, ranks: world.size, drained: mode == .drain)
        if global.json {
            try Output.json(report)
        } else {
            print("\(summary.jobsSucceeded) succeeded, \(summary.jobsFailed) failed, \(summary.jobsDropped) dropped (cancelled or lost), "
                  + (summary.jobsHeldElsewhere > 0 ? "\(summary.jobsHeldElsewhere) held by another owner (not drained), " : "")
                  + "\(counted(summary.tasksDispatched, "task")) on \(counted(world.size, "rank"))")
        }
        // A drained queue with failed jobs is a failed check for scripts (after MPI_Finalize: mpirun returns the code).
        if !report.ok { throw ExitCode(ExitStatus.checkFailed.rawValue) }
    }
}

/// `--drain` or `--serve`.
enum RunMode: String, EnumerableFlag {
    case drain, serve
}

/// A swift-log level given on the command line.
struct LogLevelArgument: ExpressibleByArgument {
    let level: Logger.Level
    init(level: Logger.Level) { self.level = level }
    init?(argument: String) {
        guard let level = Logger.Level(rawValue: argument) else { return nil }
        self.level = level
    }
    static var allValueStrings: [String] { Logger.Level.allCases.map(\.rawValue) }
    /// The level's name, as `--help` shows the default.
    var defaultValueDescription: String { level.rawValue }
}

/// JSON printed by `worker --json` on rank 0.
struct WorkerReport: Encodable {
    /// False when a drain run failed any job it processed or left jobs held by another owner (exit code 1); a
    /// served world reports true.
    let ok: Bool
    let ranks: Int
    /// `held`: jobs another owner still held under an unexpired lease when the drain gave up waiting.
    let claimed, succeeded, failed, dropped, held, tasks: Int

    init(summary: CoordinatorSummary, ranks: Int, drained: Bool) {
        ok = !(drained && (summary.jobsFailed > 0 || summary.jobsHeldElsewhere > 0))
        held = summary.jobsHeldElsewhere
        self.ranks = ranks
        claimed = summary.jobsClaimed
        succeeded = summary.jobsSucceeded
        failed = summary.jobsFailed
        dropped = summary.jobsDropped
        tasks = summary.tasksDispatched
    }
}

/// SIGTERM/SIGINT/SIGUSR1 in serve mode: set a flag the coordinator checks, instead of dying. (mpirun ends the
/// world on SIGTERM/SIGINT itself but forwards SIGUSR1 to every rank: `kill -USR1 <mpirun pid>` stops a served
/// world cleanly; under srun or in one process SIGTERM works.)
enum StopSignal {
    private static let flag = Atomic<Bool>(false)

    static var requested: Bool { flag.load(ordering: .relaxed) }

    static func install() {
        for signalNumber in [SIGTERM, SIGINT, SIGUSR1] {
            signal(signalNumber) { _ in StopSignal.flag.store(true, ordering: .relaxed) }
        }
    }
}
