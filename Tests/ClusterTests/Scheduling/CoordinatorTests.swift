import Foundation
import Synchronization
import Testing
import Registry
import Store
@testable import Cluster

/// In-process coordinator runs (one rank) with the `counting` test-double kind.
@Suite struct CoordinatorTests {
    @Test func drainRunsEveryPhaseAndMergesInTaskOrder() throws {
        let fixture = try SchedulerFixture()
        let job = try fixture.submit("phases=3 tasks=5")
        let summary = try fixture.drain()
        let record = try fixture.registry.job(id: job)
        #expect(record.state == .succeeded, "error: \(record.error ?? "-")")
        #expect(record.resultPath == "store/results/job-\(job)/result.h5")
        #expect(record.progressDone == 15 && record.progressTotal == 15)
        #expect(summary.tasksDispatched == 15 && summary.jobsSucceeded == 1)
        let reference = try fixture.values(job)
        #expect(reference.count == 15)
        // Replies arriving newest first on 3 or 4 workers give the same merged values.
        for slots in [3, 4] {
            let other = try SchedulerFixture()
            let id = try other.submit("phases=3 tasks=5")
            try other.drain(slots: slots, completion: .newestFirst)
            #expect(try other.values(id) == reference, "\(slots) slots, out-of-order completion")
        }
    }

    @Test func resultCarriesProvenanceAndTaskTimings() throws {
        let fixture = try SchedulerFixture()
        let job = try fixture.submit("phases=2 tasks=3")
        try fixture.drain(slots: 2)
        let file = try ResultFile.read(path: fixture.resultURL(job).path)
        #expect(file.attributes["job_id"] == .int(Int(job)))
        #expect(file.attributes["kind"] == .string("counting"))
        #expect(file.attributes["software_version"] == .string("test"))
        #expect(file.attributes["ranks"] == .int(1))
        #expect(file.attributes["spec"] == .string("phases=2 tasks=3"))
        #expect(file.attributes["timings_tasks_columns"] == .string("phase,task,rank,seconds,round_trip_seconds,bytes_in,bytes_out"))
        let timings = try #require(file.arrays["/timings/tasks"])
        #expect(timings.shape == [6, 7])
        guard case .float64(let rows) = timings.values else { Issue.record("timings not float64"); return }
        let starts = Array(stride(from: 0, to: 42, by: 7))
        #expect(starts.map { [rows[$0], rows[$0 + 1]] } == [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]])
        #expect(starts.allSatisfy { rows[$0 + 4] >= rows[$0 + 3] }, "round trip includes compute")
        #expect(starts.allSatisfy { rows[$0 + 5] > 50 && rows[$0 + 6] > 20 }, "bytes in/out recorded")
        let notes = try fixture.registry.events(jobID: job).filter { $0.kind == .note }
        #expect(notes.count == 1 && notes[0].message.contains("6 tasks in 2 phases on 1 rank;"))
    }

    @Test func failingTaskFailsOnlyItsJob() throws {
        let fixture = try SchedulerFixture()
        let bad = try fixture.submit("phases=2 tasks=4 fail=1.2")
        let good = try fixture.submit("phases=2 tasks=4")
        try fixture.drain(slots: 2)
        let failed = try fixture.registry.job(id: bad)
        #expect(failed.state == .failed)
        #expect(failed.error == "task 2 of phase 1 failed on rank 0: injected failure in task 2 of phase 1")
        #expect(!FileManager.default.fileExists(atPath: fixture.resultURL(bad).path))
        #expect(try fixture.registry.job(id: good).state == .succeeded)
        #expect(try fixture.registry.events(jobID: bad).contains { $0.message.contains("injected failure") })
    }

    @Test func unimplementedKindFailsCleanly() throws {
        let fixture = try SchedulerFixture()
        let dose = try fixture.submit("kind: dose", kind: "dose")
        let good = try fixture.submit("phases=1 tasks=2")
        try fixture.drain()
        let record = try fixture.registry.job(id: dose)
        #expect(record.state == .failed)
        #expect(record.error == "job kind 'dose' is not implemented by this build")
        #expect(try fixture.registry.job(id: good).state == .succeeded)
    }

    @Test func cancellationMidJobDropsItAndOthersGoOn() throws {
        let fixture = try SchedulerFixture()
        let registry = fixture.registry
        let cancelled = Mutex<Set<Int64>>([])
        let kind = CountingKind(onExecute: { job, phase, index in
            if phase == 1, index == 0, cancelled.withLock({ $0.insert(job).inserted }) {
                _ = try? registry.cancel(jobID: job)
            }
        })
        let victim = try fixture.submit("phases=4 tasks=10 sleep-ms=5")
        let other = try fixture.submit("phases=1 tasks=3", caseID: "case-b")
        // The other job's single phase has no task index 0 of phase 1: it never cancels itself.
        let summary = try fixture.drain(kind: kind, slots: 2, pollSeconds: 0.02)
        let record = try registry.job(id: victim)
        #expect(record.state == .cancelled)
        #expect(!FileManager.default.fileExists(atPath: fixture.resultURL(victim).path))
        #expect(summary.tasksDispatched < 40 + 3, "dispatch stopped after the cancellation")
        #expect(summary.jobsDropped == 1)
        #expect(try registry.job(id: other).state == .succeeded)
    }

    @Test func smallJobDoesNotWaitBehindLargeOne() throws {
        let fixture = try SchedulerFixture()
        let large = try fixture.submit("phases=2 tasks=30 sleep-ms=2")
        let small = try fixture.submit("phases=1 tasks=2", caseID: "case-b")
        try fixture.drain(slots: 2)
        let a = try fixture.registry.job(id: large), b = try fixture.registry.job(id: small)
        #expect(a.state == .succeeded && b.state == .succeeded)
        #expect(try #require(b.finishedAt) < #require(a.finishedAt), "the small job finished first")
    }

    @Test func leaseIsRenewedDuringLongJobs() throws {
        let fixture = try SchedulerFixture()
        let registry = fixture.registry
        let observed = Mutex<[Date]>([])
        let kind = CountingKind(onExecute: { job, _, index in
            if index % 10 == 9, let expiry = try? registry.job(id: job).leaseExpiresAt {
                observed.withLock { $0.append(expiry) }
            }
        })
        let job = try fixture.submit("phases=1 tasks=40 sleep-ms=20")
        try fixture.drain(kind: kind, leaseSeconds: 0.3, pollSeconds: 0.02)
        #expect(try registry.job(id: job).state == .succeeded, "the job outlived its 0.3 s lease without losing it")
        let expiries = observed.withLock { $0 }
        #expect(expiries.count == 4)
        #expect(Set(expiries).count == 4, "the lease expiry moved forward during the run")
    }

    @Test func expiredLeaseIsRequeuedAndCountsAnAttempt() throws {
        let fixture = try SchedulerFixture()
        let retried = try fixture.submit("phases=1 tasks=2", maxAttempts: 3)
        let exhausted = try fixture.submit("phases=1 tasks=2", caseID: "case-b", maxAttempts: 1)
        // A previous run claimed both and died.
        for _ in 0..<2 { _ = try fixture.registry.claimNextJob(owner: "dead-run", leaseSeconds: 0.05) }
        usleep(100_000)
        try fixture.drain()
        let first = try fixture.registry.job(id: retried)
        #expect(first.state == .succeeded && first.attempts == 2)
        let second = try fixture.registry.job(id: exhausted)
        #expect(second.state == .failed)
        #expect(second.error?.hasPrefix("lease expired after 1 attempt") == true)
    }

    /// A job still running under another owner's unexpired lease (a run that crashed a moment ago) is waited for
    /// by a drain and retried once the lease runs out, not left behind with a "drained" report.
    @Test func drainWaitsForALeaseHeldByADeadRunThenRetriesTheJob() throws {
        let fixture = try SchedulerFixture()
        let job = try fixture.submit("phases=1 tasks=3")
        _ = try #require(try fixture.registry.claimNextJob(owner: "dead-run", leaseSeconds: 2))
        let expiry = try #require(try fixture.registry.job(id: job).leaseExpiresAt)
        let clock = ContinuousClock()
        let start = clock.now
        let remaining = expiry.timeIntervalSinceNow
        let summary = try fixture.drain()
        let seconds = (clock.now - start).seconds
        let record = try fixture.registry.job(id: job)
        #expect(record.state == .succeeded && record.attempts == 2, "\(record.state) after \(record.attempts) attempts")
        #expect(summary.jobsClaimed == 1 && summary.jobsHeldElsewhere == 0)
        // The wait lasts at least what was left of the lease when the drain began (its end is polled every 0.01 s;
        // 0.05 s allowed for the stored expiry's rounding); no upper bound: a loaded machine may take long.
        #expect(seconds >= remaining - 0.05, "\(seconds) s for a lease with \(remaining) s left")
    }

    /// A lease that outlives `drainWaitSeconds` (a live run elsewhere, or a long lease) ends the drain after the
    /// wait with the job counted as held, still running under its owner.
    @Test func drainReportsJobsStillHeldAfterItsWait() throws {
        let fixture = try SchedulerFixture()
        let job = try fixture.submit("phases=1 tasks=3")
        _ = try #require(try fixture.registry.claimNextJob(owner: "other-run", leaseSeconds: 60))
        let clock = ContinuousClock()
        let start = clock.now
        let summary = try fixture.drain(drainWaitSeconds: 0.3)
        let seconds = (clock.now - start).seconds
        #expect(summary.jobsHeldElsewhere == 1 && summary.jobsClaimed == 0, "\(summary)")
        let record = try fixture.registry.job(id: job)
        #expect(record.state == .running && record.leaseOwner == "other-run")
        #expect(seconds >= 0.25, "waited \(seconds) s for a 0.3 s bound")
    }

    /// 2000 empty tasks through the whole path (encode, dispatch, execute, decode, merge) in one process; the time
    /// is printed, not asserted (debug build on the shared 2-core machine: 70-550 µs per task depending on load).
    @Test func twoThousandEmptyTasksRunInProcess() throws {
        let fixture = try SchedulerFixture()
        let job = try fixture.submit("phases=1 tasks=2000")
        let clock = ContinuousClock()
        let start = clock.now
        try fixture.drain(slots: 1)
        let seconds = (clock.now - start).seconds
        #expect(try fixture.registry.job(id: job).state == .succeeded)
        print(String(format: "2000 empty tasks in process: %.3f s, %.1f µs per task", seconds, seconds / 2000 * 1e6))
    }

    @Test func staleTemporariesAreRemovedAtStart() throws {
        let fixture = try SchedulerFixture()
        let directory = fixture.root.appendingPathComponent("store/results/job-7")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let here = AtomicFile.hostTag, elsewhere = AtomicFile.hostTag == "000000" ? "111111" : "000000"
        let stale = directory.appendingPathComponent(".result.h5.tmp-2147483000-\(here)-abc")
        let staleEarlierVersion = directory.appendingPathComponent(".result.h5.tmp-2147483000-abc")
        let live = directory.appendingPathComponent(".result.h5.tmp-\(getpid())-\(here)-abc")
        // Another host's pid means nothing here: its temporary is kept until untouched for a day.
        let otherHostRecent = directory.appendingPathComponent(".result.h5.tmp-2147483000-\(elsewhere)-abc")
        let otherHostOld = directory.appendingPathComponent(".result.h5.tmp-2147483000-\(elsewhere)-abd")
        let notOurs = directory.appendingPathComponent(".result.h5.tmp-x")
        for url in [stale, staleEarlierVersion, live, otherHostRecent, otherHostOld, notOurs] {
            #expect(FileManager.default.createFile(atPath: url.path, contents: Data([1])))
        }
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-2 * 86_400)], ofItemAtPath: otherHostOld.path)
        try fixture.drain()
        for url in [stale, staleEarlierVersion, otherHostOld] { #expect(!FileManager.default.fileExists(atPath: url.path), "\(url.lastPathComponent)") }
        #expect(FileManager.default.fileExists(atPath: live.path), "a temporary of a running process is kept")
        for url in [otherHostRecent, notOurs] { #expect(FileManager.default.fileExists(atPath: url.path), "\(url.lastPathComponent)") }
    }
    /// A result file whose SHA-256 cannot be computed after it was written: the job fails with a message saying so
    /// (not "cannot write") and the file is removed, so that no later attempt adopts an unrecorded result.
    @Test func resultWhoseDigestFailsIsRemoved() throws {
        struct DigestFailure: Error, CustomStringConvertible { var description: String { "injected read error" } }
        let fixture = try SchedulerFixture()
        let job = try fixture.submit("phases=1 tasks=2")
        let summary = try fixture.drain(resultDigest: { url in
            #expect(FileManager.default.fileExists(atPath: url.path), "the digest is taken of the written file")
            throw DigestFailure()
        })
        let record = try fixture.registry.job(id: job)
        #expect(record.state == .failed && summary.jobsFailed == 1)
        let error = record.error ?? "-"
        #expect(error.contains("cannot compute the SHA-256") && error.contains("injected read error") && !error.contains("cannot write"), "\(error)")
        #expect(!FileManager.default.fileExists(atPath: fixture.resultURL(job).path))
    }

    /// A job's result directory may hold only what an earlier attempt of the same job wrote (same `job_id` and
    /// `job_submitted_at`): that is replaced; anything else (another job with the same id, a stray file) fails the
    /// job and stays as it was, even on a later attempt.
    @Test func resultDirectoryOfAnotherJobIsNeverOverwritten() throws {
        let fixture = try SchedulerFixture()
        let own = try fixture.submit("phases=1 tasks=2")
        let foreign = try fixture.submit("phases=1 tasks=2", caseID: "case-b")
        let stray = try fixture.submit("phases=1 tasks=2")
        func plant(_ job: Int64, submittedAt: Date) throws -> String {
            let url = fixture.resultURL(job)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try ResultFile(attributes: ["job_id": .int(Int(job)), "job_submitted_at": .double(submittedAt.timeIntervalSince1970)]).write(to: url.path)
            return try SHA256.hex(ofFile: url)
        }
        // Earlier attempts of `own` and `foreign` died after writing a result file (a claim whose lease runs out).
        for _ in 0..<2 { _ = try fixture.registry.claimNextJob(owner: "dead-run", leaseSeconds: 0.05) }
        _ = try plant(own, submittedAt: fixture.registry.job(id: own).submittedAt)
        let foreignDigest = try plant(foreign, submittedAt: Date(timeIntervalSince1970: 1_000_000))
        let strayFile = fixture.resultURL(stray).deletingLastPathComponent().appendingPathComponent("notes.txt")
        try FileManager.default.createDirectory(at: strayFile.deletingLastPathComponent(), withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: strayFile.path, contents: Data("mine".utf8)))
        usleep(100_000)
        try fixture.drain()

        let retried = try fixture.registry.job(id: own)
        #expect(retried.state == .succeeded && retried.attempts == 2, "\(retried.error ?? "-")")
        #expect(try fixture.values(own).count == 2)
        for (job, name) in [(foreign, "result.h5"), (stray, "notes.txt")] {
            let record = try fixture.registry.job(id: job)
            #expect(record.state == .failed)
            #expect(record.error?.contains("job-\(job) already holds \(name) from another job numbered \(job)") == true, "\(record.error ?? "-")")
        }
        #expect(try fixture.registry.job(id: foreign).attempts == 2)
        #expect(try SHA256.hex(ofFile: fixture.resultURL(foreign)) == foreignDigest)
        #expect(try String(contentsOf: strayFile, encoding: .utf8) == "mine")
        #expect(!FileManager.default.fileExists(atPath: fixture.resultURL(stray).path))
    }
}
