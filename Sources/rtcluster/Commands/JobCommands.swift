import ArgumentParser
import Foundation
import Registry

/// `rtcluster status [JOB]`: one job in detail, or the queue.
struct StatusCommand: ReportingCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a job's state and progress, or a summary of the queue.",
        discussion: helpText("""
        Examples:
          rtcluster status            # counts per state and the jobs not yet finished
          rtcluster status 12 --json  # one job, machine-readable
          rtcluster status --watch    # refresh every 2 s until interrupted
        """)
    )
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Job id.") var job: Int64?
    @Flag(help: "Refresh until interrupted (Ctrl-C).") var watch = false
    @Option(help: "Refresh interval for --watch in seconds.") var interval: Double = 2

    func validate() throws {
        guard interval.isFinite, interval >= 0.1, interval <= 3600 else {
            throw ValidationError("--interval must be between 0.1 and 3600 seconds")
        }
        if watch && global.json { throw ValidationError("--watch cannot be combined with --json") }
    }

    func execute() throws {
        // On a terminal each refresh clears the screen; into a file or pipe the refreshes follow each other, each
        // headed by its time, without escape codes.
        let clearScreen = isatty(STDOUT_FILENO) == 1 ? "\u{1B}[2J\u{1B}[H" : ""
        repeat {
            // Opened for each refresh, so that a registry read as an immutable snapshot (by a user who cannot write
            // it) still shows what changed.
            let registry = try global.dataDirectory.openExistingRegistry(readOnly: true)
            if watch { print(clearScreen + Date().isoText) }
            try show(registry)
            if watch {
                // stdout is block-buffered when it is not a terminal: without a flush an interrupted watch wrote nothing.
                fflush(nil)
                Thread.sleep(forTimeInterval: interval)
            }
        } while watch
    }

    private func show(_ registry: Registry) throws {
        if let job {
            let view = JobView(try registry.job(id: job))
            if global.json { return try Output.json(view) }
            let rows: [(String, String)] = [
                ("job", "\(view.id)"), ("case", view.caseID), ("kind", view.kind), ("state", view.state),
                ("priority", "\(view.priority)"), ("attempts", "\(view.attempts)/\(view.maxAttempts)"),
                ("progress", view.progressText), ("submitted", view.submitted.isoText),
                ("started", view.started?.isoText ?? "-"), ("finished", view.finished?.isoText ?? "-"),
                ("elapsed", view.elapsedText), ("lease expires", view.leaseExpires?.isoText ?? "-"),
                ("result", view.resultPath ?? "-"), ("error", view.error ?? "-"),
            ]
            for (k, v) in rows { print(k.padding(toLength: 14, withPad: " ", startingAt: 0) + v) }
            return
        }
        let counts = try registry.jobCounts()
        let active = try registry.jobs(state: .running) + registry.jobs(state: .queued)
        let summary = QueueSummary(counts: Dictionary(uniqueKeysWithValues: JobState.allCases.map { ($0.rawValue, counts[$0] ?? 0) }), active: active.map { JobView($0) })
        if global.json { return try Output.json(summary) }
        print(JobState.allCases.map { "\($0.rawValue) \(counts[$0] ?? 0)" }.joined(separator: "  "))
        if !summary.active.isEmpty { print(""); printJobTable(summary.active) }
    }
}

/// JSON shape of `status --json` without a job id.
struct QueueSummary: Encodable {
    let counts: [String: Int]
    let active: [JobView]
}

/// Prints jobs as an aligned table.
func printJobTable(_ jobs: [JobView]) {
    Output.table(
        ["JOB", "CASE", "KIND", "STATE", "PRIO", "TRIES", "PROGRESS", "ELAPSED", "SUBMITTED"],
        jobs.map { [String($0.id), $0.caseID, $0.kind, $0.state, String($0.priority), "\($0.attempts)/\($0.maxAttempts)", $0.progressText, $0.elapsedText, $0.submitted.isoText] }
    )
}

/// `rtcluster list [--state S]`: jobs, newest first.
struct ListCommand: ReportingCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List jobs, newest first.",
        discussion: helpText("""
        Examples:
          rtcluster list --state queued
          rtcluster list --case thorax-7 --json
        """)
    )
    @OptionGroup var global: GlobalOptions
    @Option(help: "Only jobs in this state (queued, running, succeeded, failed, cancelled).") var state: JobStateArgument?
    @Option(name: .customLong("case"), help: "Only jobs of this case.") var caseID: String?
    @Option(help: "At most this many jobs (1-10000).") var limit = 100

    func validate() throws {
        guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 10000") }
    }

    func execute() throws {
        let registry = try global.dataDirectory.openExistingRegistry(readOnly: true)
        let jobs = try registry.jobs(state: state?.state, caseID: caseID, limit: limit).map { JobView($0) }
        if global.json { return try Output.json(jobs) }
        printJobTable(jobs)
    }
}

/// A job state given on the command line.
struct JobStateArgument: ExpressibleByArgument {
    let state: JobState
    init?(argument: String) {
        guard let s = JobState(rawValue: argument) else { return nil }
        state = s
    }
    static var allValueStrings: [String] { JobState.allCases.map(\.rawValue) }
}

/// `rtcluster cancel JOB`.
struct CancelCommand: ReportingCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel a queued or running job.",
        discussion: helpText("""
        A running job's coordinator stops dispatching its tasks and drops partial results.
        Example:
          rtcluster cancel 12
        """)
    )
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Job id.") var job: Int64

    func execute() throws {
        let view = JobView(try global.dataDirectory.openExistingRegistry().cancel(jobID: job))
        if global.json { return try Output.json(view) }
        print("job \(view.id) \(view.state)")
    }
}

/// `rtcluster events JOB`: the audit log of one job.
struct EventsCommand: ReportingCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Show the audit log of a job (submission, claims, state changes, errors).",
        discussion: helpText("""
        Example:
          rtcluster events 12 --json
        """)
    )
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Job id.") var job: Int64

    func execute() throws {
        let registry = try global.dataDirectory.openExistingRegistry(readOnly: true)
        _ = try registry.job(id: job)
        let events = try registry.events(jobID: job).map(EventView.init)
        if global.json { return try Output.json(events) }
        Output.table(["AT", "EVENT", "MESSAGE"], events.map { [$0.at.isoText, $0.kind, $0.message] })
    }
}
