import ArgumentParser
import Foundation

/// `rtcluster run -n N`: starts `mpirun … rtcluster worker` with the flags this kind of machine needs, as a child
/// whose end it reports (``MpirunChild``).
struct RunCommand: ReportingCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Start the MPI scheduler (mpirun -n N rtcluster worker) with the right flags for this machine.",
        discussion: helpText("""
        Runs mpirun as its child: SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2 sent to `run` are
        forwarded to mpirun, and mpirun gets SIGTERM when `run` dies (even by kill -9); rank 0's stdout and
        every rank's stderr stream through. When mpirun ends without the coordinator's report (a rank
        crashed or aborted, a host could not be reached, mpirun was killed), `run` exits 70 and, with
        --json, prints {"ok": false, "error": …, "exit_code": 70, "mpirun_status": {"exit_code"|"signal": N}}.
        Flags added: root
        allowed, --oversubscribe (more ranks than cores), --bind-to none (shared machine), --timeout,
        -x SWIFT_BACKTRACE=enable=no -x OPENBLAS_NUM_THREADS=1; inherited OMPI_/PMIX_/OPAL_ variables
        are removed. --hostfile spreads the ranks over several nodes (rank 0 needs the data directory).
        Exit code (mpirun passes rank 0's on): with --drain 0 when every job the run processed succeeded
        or was cancelled, 1 when any of them failed (the summary and `--json`'s "failed" count them,
        "ok" is false); with --serve 0 after a stop signal. After a crash the dead run's jobs stay
        `running` until their lease expires: --drain waits for them (a notice names each job, owner and
        expiry), then retries them; jobs still held after --drain-wait-seconds (default 300) are counted
        as "held" and the exit code is 1.
        Examples:
          rtcluster run -n 2 --drain
          rtcluster run -n 8 --hostfile hosts.txt --serve --data-dir /srv/rtcluster
          rtcluster run -n 4 --drain --dry-run     # the mpirun command only
        """)
    )
    @OptionGroup var global: GlobalOptions
    @Option(name: .customShort("n"), help: "Number of MPI ranks (1 coordinator + N-1 workers).") var ranks: Int
    @Option(help: "MPI hostfile for several nodes.") var hostfile: String?
    @Flag(help: "--drain (default): stop when the queue is empty; --serve: until SIGUSR1 to mpirun (forwarded to every rank).") var mode: RunMode = .drain
    @Option(help: "mpirun --timeout in seconds (0: none); a hung world is killed after it.") var timeout = 3600
    @Option(name: .customLong("poll-ms"), help: "Passed to worker --poll-ms.") var pollMilliseconds: Int?
    @Option(help: "Passed to worker --lease-seconds.") var leaseSeconds: Double?
    @Option(help: "Passed to worker --max-jobs.") var maxJobs: Int?
    @Option(help: "Passed to worker --drain-wait-seconds (default 300): how long --drain waits for jobs held under another owner's lease.") var drainWaitSeconds: Double?
    @Option(help: "Passed to worker --log-level.") var logLevel: String?
    @Flag(help: "Print the command and the environment changes instead of running them (--json: as a JSON object).") var dryRun = false

    func validate() throws {
        guard (1...4096).contains(ranks) else { throw ValidationError("-n must be between 1 and 4096") }
        guard timeout >= 0 else { throw ValidationError("--timeout must be 0 or more seconds") }
        if let hostfile, !FileManager.default.fileExists(atPath: hostfile) {
            throw ValidationError("hostfile \(hostfile) does not exist")
        }
        // Every rank parses the worker arguments on its own; an option it rejects would be reported once per rank
        // (under --json: one JSON document per rank on stdout). Parse them here, once, as `worker` will.
        do {
            _ = try WorkerCommand.parse(workerArguments)
        } catch {
            throw ValidationError("worker option: \(WorkerCommand.message(for: error))")
        }
    }

    /// The arguments of `rtcluster worker` on every rank (after the program name and `worker`).
    var workerArguments: [String] {
        var args = ["--\(mode.rawValue)", "--data-dir", global.dataDirectory.root.path]
        if let pollMilliseconds { args += ["--poll-ms", "\(pollMilliseconds)"] }
        if let leaseSeconds { args += ["--lease-seconds", "\(leaseSeconds)"] }
        if let maxJobs { args += ["--max-jobs", "\(maxJobs)"] }
        if let drainWaitSeconds { args += ["--drain-wait-seconds", "\(drainWaitSeconds)"] }
        if let logLevel { args += ["--log-level", logLevel] }
        if global.json { args.append("--json") }
        return args
    }

    /// The mpirun arguments (without the program name).
    func mpirunArguments(executable: String) -> [String] {
        var args = ["--oversubscribe", "--bind-to", "none"]
        if timeout > 0 { args += ["--timeout", "\(timeout)"] }
        args += ["-x", "SWIFT_BACKTRACE=enable=no", "-x", "OPENBLAS_NUM_THREADS=1"]
        if let hostfile { args += ["--hostfile", hostfile] }
        return args + ["-n", "\(ranks)", executable, "worker"] + workerArguments
    }

    /// Prefixes of the inherited variables removed from mpirun's environment (MPI launcher state of a parent job).
    static let removedVariablePrefixes = ["OMPI_", "PMIX_", "OPAL_"]
    /// Variables set in mpirun's environment: root allowed, fast kill of the other ranks when one dies.
    static let addedVariables = ["OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1", "OMPI_MCA_odls_base_sigkill_timeout": "0"]

    /// The environment of mpirun: without inherited MPI launcher variables, root allowed, fast kill of ranks.
    static func environment(from parent: [String: String]) -> [String: String] {
        let kept = parent.filter { key, _ in !removedVariablePrefixes.contains { key.hasPrefix($0) } }
        return kept.merging(addedVariables) { _, added in added }
    }

    /// `argument` as one POSIX sh word: unchanged when it holds only characters sh takes literally, else in single
    /// quotes (each `'` written as `'\''`), so the printed command can be pasted into a shell as it is.
    static func shellQuoted(_ argument: String) -> String {
        let literal = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-")
        if !argument.isEmpty, argument.allSatisfy(literal.contains) { return argument }
        return "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    func execute() throws {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        guard let mpirun = path.split(separator: ":").map({ "\($0)/mpirun" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw CLIError.notFound("mpirun not found in PATH (install openmpi-bin, or run `rtcluster worker --drain` for one process)")
        }
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
        let arguments = [mpirun] + mpirunArguments(executable: executable)
        let environment = Self.environment(from: ProcessInfo.processInfo.environment)
        if dryRun {
            if global.json { return try Output.json(DryRunReport(argv: arguments)) }
            let added = Self.addedVariables.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            print("unset \(Self.removedVariablePrefixes.map { $0 + "*" }.joined(separator: " ")); \(added.joined(separator: " "))")
            print(arguments.map(Self.shellQuoted).joined(separator: " "))
            return
        }
        try global.dataDirectory.create()
        let (ending, stdout) = try MpirunChild.run(arguments: arguments, environment: environment)
        let outcome = MpirunChild.outcome(of: ending, stdout: stdout, json: global.json)
        if let failure = outcome.failure {
            // With --json the failure is the one document on stdout, unless the coordinator already wrote its own.
            if global.json && !MpirunChild.coordinatorReported(stdout, json: true) {
                try Output.json(WorldFailureReport(error: failure, exitCode: outcome.exitCode, ending: ending))
            }
            Output.stderr("error: \(failure)")
        }
        if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
    }
}

/// What `run --dry-run --json` prints: the command that would run and how its environment would differ.
struct DryRunReport: Encodable {
    let ok = true
    let argv: [String]
    let unsetPrefixes = RunCommand.removedVariablePrefixes
    let setVariables = RunCommand.addedVariables
    enum CodingKeys: String, CodingKey { case ok, argv, unsetPrefixes = "unset_prefixes", setVariables = "set" }
}
