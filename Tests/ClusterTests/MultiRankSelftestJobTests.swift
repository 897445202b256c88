import Foundation
import Registry
import Testing
@testable import Cluster

#if canImport(Glibc)
import Glibc
#endif

/// The scheduler under mpirun with `selftest` jobs on the small thorax phantom (64×64×40): a mixed queue on
/// 1, 2 and 4 ranks, an injected rank crash and its retry, and kill -9 of `run` at three moments. Skipped when
/// mpirun or the rtcluster binary is missing.
@Suite(.serialized) struct MultiRankSelftestJobs {
    static let launcher = MultiRankLauncher()
    static let runFlags = ["--timeout", "120", "--poll-ms", "50"]

    /// Job i of the mixed queue: sizes, slab widths, compute loops and payloads vary; job 7 fails at its task 2.
    static func mixedSpec(_ i: Int) -> String {
        var lines = ["tasks: \([1, 4, 12, 40, 90][i % 5])", "slices_per_task: \([0, 1, 4][i % 3])",
                     "compute_iterations: \([0, 1, 3][(i / 3) % 3])", "payload_bytes: \(i % 4 == 0 ? 4096 : 0)"]
        if i == 7 { lines.append("fail_task: 2") }
        return lines.joined(separator: "\n")
    }

    /// 20 selftest jobs of distinct priorities on 1, 2 and 4 ranks: all but the failing one succeed, results are
    /// identical across rank counts, jobs are claimed in priority order, the failure is in `status` and `events`.
    @Test(.enabled(if: launcher.unavailableReason == nil, "\(launcher.unavailableReason ?? "")"))
    func mixedQueueOnOneTwoAndFourRanks() throws {
        let cli = try SchedulerCLI(launcher: Self.launcher)
        try cli.addThoraxCase(id: "thorax")
        let priorities = (0..<20).map { ($0 * 53) % 1000 }
        var reference: [[Int64]]?
        for ranks in [1, 2, 4] {
            let jobs = try (0..<20).map { try cli.submitSelftest(caseID: "thorax", Self.mixedSpec($0), priority: priorities[$0]) }
            let clock = ContinuousClock()
            let start = clock.now
            let run = try cli.run(["run", "-n", "\(ranks)", "--drain"] + Self.runFlags)
            print(String(format: "20 mixed selftest jobs on %d ranks: %.2f s (mpirun included)", ranks, (clock.now - start).seconds))
            // Job 7 fails: rank 0 exits 1 after the drain (a failed check for scripts) and mpirun passes that on.
            #expect(run.status == 1, "run -n \(ranks): \(run.stderr.suffix(2000))")
            #expect(run.stdout.contains("19 succeeded, 1 failed"), "run -n \(ranks): \(run.stdout)")
            let registry = try cli.registry()
            var results: [[Int64]] = []
            for (i, job) in jobs.enumerated() {
                let record = try registry.job(id: job)
                if i == 7 {
                    #expect(record.state == .failed, "\(ranks) ranks: job \(job)")
                    results.append([])
                    continue
                }
                #expect(record.state == .succeeded, "\(ranks) ranks: job \(job) \(record.state) \(record.error ?? "")")
                results.append(try cli.selftestResult(job).checksums)
            }
            if let reference {
                #expect(results == reference, "results on \(ranks) ranks equal those on 1 rank")
            } else {
                #expect(results.enumerated().allSatisfy { $0.offset == 7 || !$0.element.isEmpty })
                reference = results
            }
            let byPriority = jobs.indices.sorted { priorities[$0] > priorities[$1] }.map { jobs[$0] }
            #expect(try cli.claimOrder(jobs) == byPriority, "\(ranks) ranks: claimed in priority order")
            let failed = jobs[7]
            let message = "task 2 of phase 0 failed on rank"
            let status = try cli.status(failed)
            #expect((status["error"] as? String)?.contains(message) == true, "\(status)")
            #expect((status["error"] as? String)?.contains("injected failure in task 2 (fail_task)") == true, "\(status)")
            let events = try cli.run(["events", "\(failed)"])
            #expect(events.stdout.contains("injected failure in task 2 (fail_task)"), "\(events.stdout)")
        }
    }

    /// A rank crash ends mpirun with a non-zero code within seconds; the next run requeues the job (lease
    /// expired), whose second attempt runs the crash task normally; with max_attempts 1 the job ends failed.
    @Test(.enabled(if: launcher.unavailableReason == nil, "\(launcher.unavailableReason ?? "")"))
    func rankCrashAbortsTheWorldAndTheRetrySucceeds() throws {
        let cli = try SchedulerCLI(launcher: Self.launcher)
        try cli.addThoraxCase(id: "thorax")
        let work = "tasks: 40\nslices_per_task: 1\ncompute_iterations: 1"
        let retried = try cli.submitSelftest(caseID: "thorax", work + "\nmax_attempts: 3\ncrash_task: 10\ncrash_on_attempt: 1")
        let once = try cli.submitSelftest(caseID: "thorax", work + "\nmax_attempts: 1\ncrash_task: 10")
        let clock = ContinuousClock()
        let start = clock.now
        let crashed = try cli.run(["run", "-n", "2", "--drain", "--lease-seconds", "2"] + Self.runFlags)
        let seconds = (clock.now - start).seconds
        print(String(format: "rank crash: mpirun exited %d after %.2f s (startup included)", crashed.status, seconds))
        #expect(crashed.status != 0)
        // No hang: well before the 120 s --timeout, with room for a slow start of the world on a loaded machine.
        #expect(seconds < 60, "no hang: mpirun ended \(seconds) s after its start")
        #expect((crashed.stdout + crashed.stderr).contains("injected rank crash in task 10 (crash_task)"), "\(crashed.stderr.suffix(2000))")
        let registry = try cli.registry()
        #expect(try registry.job(id: retried).state == .running, "the dead run still holds the lease")
        let plain = try cli.submitSelftest(caseID: "thorax", work)
        try cli.waitForStoppedRuns(holding: [retried, once])
        let again = try cli.run(["run", "-n", "2", "--drain", "--lease-seconds", "2"] + Self.runFlags)
        #expect(again.status == 0, "\(again.stderr.suffix(2000))")
        let record = try registry.job(id: retried)
        #expect(record.state == .succeeded && record.attempts == 2, "\(record.state) after \(record.attempts) attempts: \(record.error ?? "")")
        #expect(try cli.selftestResult(retried).combined == cli.selftestResult(plain).combined, "the injection does not change the result")
        let failed = try registry.job(id: once)
        #expect(failed.state == .failed && failed.attempts == 1)
        #expect(failed.error?.hasPrefix("lease expired after 1 attempt") == true, "\(failed.error ?? "")")
        #expect(try registry.events(jobID: once).map(\.kind) == [.jobSubmitted, .jobClaimed, .jobFailed])
    }

    /// kill -9 of `run` at three moments of its work, seen in the registry (three runs): a job just claimed, a job
    /// part done, a job finished while another runs. The next run completes every job, all results equal, and no
    /// partial file is left anywhere in the data directory.
    @Test(.enabled(if: launcher.unavailableReason == nil, "\(launcher.unavailableReason ?? "")"))
    func killNineAtThreeMomentsThenDrainCompletesEveryJob() throws {
        let cli = try SchedulerCLI(launcher: Self.launcher)
        try cli.addThoraxCase(id: "thorax")
        let jobs = try (0..<4).map { _ in
            try cli.submitSelftest(caseID: "thorax", "tasks: 250\nslices_per_task: 1\ncompute_iterations: 2\npayload_bytes: 65536\nmax_attempts: 10")
        }
        let registry = try cli.registry()
        // Each moment looks at the jobs and the start of the run; a job is this run's when it was claimed since.
        let moments: [(name: String, reached: ([JobRecord], Date) -> Bool)] = [
            ("a job claimed", { jobs, begun in jobs.contains { $0.isRunning(since: begun) } }),
            ("a job part done", { jobs, begun in jobs.contains { $0.isRunning(since: begun) && $0.progressDone > 0 } }),
            ("a job finished while another runs", { jobs, begun in
                jobs.contains { $0.state == .succeeded && ($0.finishedAt ?? .distantPast) >= begun }
                    && jobs.contains { $0.isRunning(since: begun) } }),
        ]
        var interrupted = 0
        for moment in moments {
            let begun = Date()
            let (process, _) = try cli.start(["run", "-n", "2", "--drain", "--lease-seconds", "2", "--max-jobs", "2"] + Self.runFlags)
            defer { cli.stop(process) }
            // Polls the registry in this process (at most 120 s); a run that drains the queue first is not killed.
            let deadline = Date().addingTimeInterval(120)
            var records = try jobs.map { try registry.job(id: $0) }
            while !moment.reached(records, begun) && process.isRunning && Date() < deadline {
                usleep(10_000)
                records = try jobs.map { try registry.job(id: $0) }
            }
            try #require(moment.reached(records, begun) || !process.isRunning, "\(moment.name): not seen within 120 s")
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }  // a reaped run's pid may be reused
            process.waitUntilExit()
            let after = try jobs.map { try registry.job(id: $0) }
            print("kill -9 at \(moment.name): \(after.map(\.state.rawValue))")
            interrupted += after.filter { $0.isRunning(since: begun) }.count
            // Orphaned ranks go on for a while after their mpirun died (renewing leases): wait until they are gone
            // and every lease has run out, as a later run would.
            try cli.waitForStoppedRuns(holding: jobs)
        }
        #expect(interrupted > 0, "a kill interrupted a running job")
        let final = try cli.run(["run", "-n", "2", "--drain", "--lease-seconds", "2"] + Self.runFlags)
        #expect(final.status == 0, "\(final.stderr.suffix(2000))")
        var combined: Set<String> = []
        for job in jobs {
            let record = try registry.job(id: job)
            #expect(record.state == .succeeded, "job \(job): \(record.state) \(record.error ?? "")")
            combined.insert(try cli.selftestResult(job).combined)
        }
        #expect(combined.count == 1, "every job gives the same result: \(combined)")
        #expect(cli.temporaryFiles().isEmpty, "partial files: \(cli.temporaryFiles())")
    }
}

extension JobRecord {
    /// Whether the job is running under a claim made at `begun` or later.
    func isRunning(since begun: Date) -> Bool { state == .running && (startedAt ?? .distantPast) >= begun }
}
