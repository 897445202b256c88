import Foundation
import Registry
import Testing
@testable import Cluster

#if canImport(Glibc)
import Glibc
#endif

/// The scheduler under mpirun (`rtcluster run -n N`), with the built debug binary and the small thorax
/// phantom (64×64×40). Skipped when mpirun or the binary is missing.
@Suite(.serialized) struct MultiRankScheduler {
    static let launcher = MultiRankLauncher()

    /// The same segment job gives bitwise identical result datasets on 1, 2, 3 and 4 ranks.
    @Test(.enabled(if: launcher.unavailableReason == nil, "\(launcher.unavailableReason ?? "")"))
    func segmentResultIsIdenticalForOneToFourRanks() throws {
        let cli = try SchedulerCLI(launcher: Self.launcher)
        try cli.addThoraxCase(id: "thorax")
        var reference: [String: [UInt8]]?
        for ranks in 1...4 {
            let job = try cli.submitSegment(caseID: "thorax")
            let clock = ContinuousClock()
            let start = clock.now
            let run = try cli.run(["run", "-n", "\(ranks)", "--drain", "--timeout", "120", "--poll-ms", "50"])
            let seconds = (clock.now - start).seconds
            #expect(run.status == 0, "run -n \(ranks): \(run.stderr.suffix(2000))")
            let status = try cli.status(job)
            #expect(status["state"] as? String == "succeeded", "\(ranks) ranks: \(status)")
            print(String(format: "segment job on %d ranks: %.2f s wall (mpirun included)", ranks, seconds))
            let arrays = try cli.segmentation(job)
            let overhead = try cli.dispatchOverheads(job)
            print(String(format: "  %d slab tasks; median dispatch overhead (round trip - compute) %.0f µs", overhead.count,
                         overhead.sorted()[overhead.count / 2] * 1e6))
            #expect(arrays.keys.sorted() == ["body", "bones", "labels", "lung_left", "lung_right", "spinal_canal", "trachea"])
            if let reference {
                for (name, values) in reference { #expect(arrays[name] == values, "\(name) differs on \(ranks) ranks") }
            } else {
                #expect(arrays["body"]?.contains(1) == true)
                reference = arrays
            }
        }
    }

    /// Cancelling a running job under mpirun: it ends cancelled without a result file, the other job succeeds.
    @Test(.enabled(if: launcher.unavailableReason == nil, "\(launcher.unavailableReason ?? "")"))
    func cancelRunningJobUnderMpirun() throws {
        let cli = try SchedulerCLI(launcher: Self.launcher)
        try cli.addThoraxCase(id: "thorax")
        // A victim of minutes (debug build), so that the cancel lands while it runs however slowly the `cancel` child
        // starts (a segment job can end first); the drain stops at the cancel, so that costs no time.
        let victim = try cli.submitSelftest(caseID: "thorax", "tasks: 4000\ncompute_iterations: 500", priority: 900)
        let other = try cli.submitSegment(caseID: "thorax", priority: 100)
        let (process, log) = try cli.start(["run", "-n", "2", "--drain", "--timeout", "120", "--poll-ms", "100", "--max-jobs", "1"])
        defer { cli.stop(process) }
        // Running is read in this process: a `status` child per poll is slow to start on a loaded machine.
        let registry = try cli.registry()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, try registry.job(id: victim).state != .running { usleep(20_000) }
        try #require(try registry.job(id: victim).state == .running, "job \(victim) never ran")
        let cancel = try cli.run(["cancel", "\(victim)"])
        #expect(cancel.status == 0, "\(cancel.stderr)")
        process.waitUntilExit()
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        #expect(process.terminationStatus == 0, "\(output.suffix(2000))")
        #expect(try cli.status(victim)["state"] as? String == "cancelled")
        #expect(try cli.status(other)["state"] as? String == "succeeded")
        #expect(!FileManager.default.fileExists(atPath: cli.dataDir.appendingPathComponent("store/results/job-\(victim)/result.h5").path))
        #expect(output.contains("job=\(victim) task=- stopped working on the job"), "\(output.suffix(2000))")
    }

    /// `--serve` picks up jobs submitted after the start and stops cleanly on SIGUSR1 (forwarded by mpirun).
    @Test(.enabled(if: launcher.unavailableReason == nil, "\(launcher.unavailableReason ?? "")"))
    func serveRunsNewJobsAndStopsOnSignal() throws {
        let cli = try SchedulerCLI(launcher: Self.launcher)
        try cli.addThoraxCase(id: "thorax")
        let (process, log) = try cli.start(["run", "-n", "2", "--serve", "--timeout", "120", "--poll-ms", "50"])
        defer { cli.stop(process) }
        usleep(500_000)
        let job = try cli.submitSegment(caseID: "thorax")
        let registry = try cli.registry()
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, try registry.job(id: job).state != .succeeded { usleep(50_000) }
        #expect(try registry.job(id: job).state == .succeeded, "job \(job) did not succeed within 120 s")
        #expect(process.isRunning, "serve mode keeps running with an empty queue")
        kill(process.processIdentifier, SIGUSR1)
        process.waitUntilExit()
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        #expect(process.terminationStatus == 0, "\(output.suffix(2000))")
        #expect(output.contains("1 succeeded, 0 failed"), "\(output.suffix(2000))")
    }

    /// kill -9 of mpirun mid-run loses no job and leaves no partial file; the next run completes everything
    /// with results equal to an uninterrupted run.
    @Test(.enabled(if: launcher.unavailableReason == nil, "\(launcher.unavailableReason ?? "")"))
    func killNineThenDrainCompletesEveryJob() throws {
        let cli = try SchedulerCLI(launcher: Self.launcher)
        // The standard phantom (128×128×64), so that the kill lands while a job runs.
        try cli.addThoraxCase(id: "thorax", size: "standard")
        let jobs = try (0..<3).map { _ in try cli.submitSegment(caseID: "thorax") }
        let (process, _) = try cli.start(["run", "-n", "3", "--drain", "--timeout", "120", "--lease-seconds", "2", "--poll-ms", "50"])
        defer { cli.stop(process) }
        let registry = try cli.registry()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, try !jobs.contains(where: { try registry.job(id: $0).state == .running }) { usleep(20_000) }
        usleep(300_000)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let killed = try jobs.filter { try registry.job(id: $0).state == .running }
        #expect(!killed.isEmpty, "the kill interrupted a running job")
        // Orphaned ranks go on for a while (renewing leases, possibly finishing a job): wait until they are gone and
        // every lease has run out; the jobs still running then are the ones the next run must retry.
        try cli.waitForStoppedRuns(holding: jobs)
        let interrupted = try jobs.filter { try registry.job(id: $0).state == .running }
        let again = try cli.run(["run", "-n", "2", "--drain", "--timeout", "120", "--lease-seconds", "2", "--poll-ms", "50"])
        #expect(again.status == 0, "\(again.stderr.suffix(2000))")
        for job in jobs {
            let status = try cli.status(job)
            #expect(status["state"] as? String == "succeeded", "job \(job): \(status)")
        }
        for job in interrupted { #expect((try cli.status(job)["attempts"] as? Int ?? 0) >= 2, "job \(job) was retried") }
        #expect(cli.temporaryFiles().isEmpty, "partial files: \(cli.temporaryFiles())")
        let reference = try cli.submitSegment(caseID: "thorax")
        #expect(try cli.run(["run", "-n", "2", "--drain", "--timeout", "120"]).status == 0)
        let expected = try cli.segmentation(reference)
        for job in jobs { #expect(try cli.segmentation(job) == expected, "job \(job) equals the uninterrupted run") }
    }
}
