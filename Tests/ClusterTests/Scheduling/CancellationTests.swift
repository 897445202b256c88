import Core
import Dose
import Foundation
import Jobs
import Registry
import Store
import Synchronization
import Testing
@testable import Cluster

/// A cancel lands while the coordinator itself works on a job (a kind's set-up, its steps between phases): the job
/// stops within a poll period, ends `cancelled`, leaves no result file and is counted as dropped, not failed.
@Suite struct CancellationTests {
    /// Set-up steps and phases seen per (job, phase); the job cancels itself at `cancelAt` (phase, step).
    final class Recorder: Sendable {
        let steps = Mutex<[Int64: Int]>([:])
        let registry: Registry
        let cancelAt: (phase: Int, step: Int)

        init(registry: Registry, cancelAt: (phase: Int, step: Int)) {
            self.registry = registry
            self.cancelAt = cancelAt
        }

        func step(_ job: Int64, _ phase: Int, _ step: Int) {
            steps.withLock { $0[job, default: 0] += 1 }
            if (phase, step) == cancelAt { _ = try? registry.cancel(jobID: job) }
        }

        func count(_ job: Int64) -> Int { steps.withLock { $0[job] ?? 0 } }
    }

    /// Drains `fixture`'s queue with the slow kind and expects `victim` (cancelled in step or phase 3 of 40, 50 ms
    /// each) stopped promptly: at most two more steps (tolerance; counted, not timed, so a loaded machine cannot fail
    /// it), `cancelled`, without a result directory (not even for a moment), counted as dropped and not as failed.
    @discardableResult
    static func expectStoppedPromptly(_ fixture: SchedulerFixture, _ recorder: Recorder, victim: Int64) throws -> CoordinatorSummary {
        let summary = try fixture.drain(kind: SlowCoordinatorKind(onStep: recorder.step), pollSeconds: 0.02)
        #expect(recorder.count(victim) <= 5, "steps after the cancel in step 3: \(recorder.count(victim))")
        #expect(try fixture.registry.job(id: victim).state == .cancelled)
        #expect(!FileManager.default.fileExists(atPath: fixture.resultURL(victim).deletingLastPathComponent().path))
        #expect(summary.jobsDropped == 1 && summary.jobsFailed == 0)
        return summary
    }

    /// A cancel in the kind's set-up (40 steps, each followed by the kind's check): it ends there; the next job runs.
    @Test func cancelDuringTheKindsSetUpStopsIt() throws {
        let fixture = try SchedulerFixture()
        let recorder = Recorder(registry: fixture.registry, cancelAt: (-1, 3))
        let victim = try fixture.submit("setup-steps=40 step-ms=50 phases=2", kind: "slow-coordinator")
        let other = try fixture.submit("setup-steps=2 step-ms=1 phases=2", kind: "slow-coordinator", caseID: "case-b", priority: 100)
        let summary = try Self.expectStoppedPromptly(fixture, recorder, victim: victim)
        #expect(summary.jobsSucceeded == 1)
        #expect(try fixture.registry.job(id: other).state == .succeeded)
    }

    /// A cancel between coordinator-only phases whose run never checks: the coordinator's check before each step stops it.
    @Test func cancelBetweenCoordinatorStagesStopsTheJob() throws {
        let fixture = try SchedulerFixture()
        let recorder = Recorder(registry: fixture.registry, cancelAt: (3, 0))
        try Self.expectStoppedPromptly(fixture, recorder, victim: try fixture.submit("phases=40 step-ms=50", kind: "slow-coordinator"))
    }

    /// A job cancelled in its last coordinator step (the one that returns the result) gets no result file.
    @Test func cancelInTheLastStepWritesNoResult() throws {
        let fixture = try SchedulerFixture()
        let recorder = Recorder(registry: fixture.registry, cancelAt: (1, 0))
        let victim = try fixture.submit("phases=2 step-ms=50", kind: "slow-coordinator")
        let summary = try fixture.drain(kind: SlowCoordinatorKind(onStep: recorder.step), pollSeconds: 0.02)
        #expect(try fixture.registry.job(id: victim).state == .cancelled)
        #expect(!FileManager.default.fileExists(atPath: fixture.resultURL(victim).deletingLastPathComponent().path))
        #expect(summary.jobsDropped == 1 && summary.jobsSucceeded == 0)
    }

    /// The check asks the registry at most once per interval and stays stopped once stopped.
    @Test func checkIsThrottledAndSticky() throws {
        let probes = Mutex(0)
        let cancelled = Mutex(false)
        let probe: @Sendable () -> String? = {
            probes.withLock { $0 += 1 }
            return cancelled.withLock { $0 } ? "job is cancelled" : nil
        }
        // Throttled: 100 checks within a 60 s interval ask once (however slowly a loaded machine runs them).
        let throttled = JobCancellation(minimumInterval: .seconds(60), probe: probe)
        for _ in 0..<100 { try throttled.check() }
        #expect(probes.withLock { $0 } == 1)
        // Asked again once the interval has passed; once stopped, it stays stopped without asking.
        let check = JobCancellation(minimumInterval: .milliseconds(200), probe: probe)
        try check.check()
        cancelled.withLock { $0 = true }
        usleep(250_000)
        #expect(throws: JobCancelled(reason: "job is cancelled")) { try check.check() }
        cancelled.withLock { $0 = false }
        #expect(throws: JobCancelled.self) { try check.check() }
        #expect(probes.withLock { $0 } == 3)
    }

    /// The plan and segment kinds check between their coordinator-side steps: a cancellation that trips at the n-th
    /// check stops `start` + `firstStep` there (the n-th check throws, no further check is made), for every n the
    /// set-up passes through; an untripped run makes several checks.
    @Test(arguments: ["plan", "segment"])
    func kindsCheckBetweenTheirSetUpSteps(kind: String) throws {
        let (fixture, spec, plugin): (SchedulerFixture, String, any JobKindPlugin) = kind == "plan"
            ? (try PlanKindTests.caseFixture(), PlanKindTests.spec(), PlanKind())
            : (try SchedulerFixture(cases: ["case-a": CaseFile(ct: SegmentKindTests.phantom.ct)]), SegmentKindTests.spec, SegmentKind())
        let record = try fixture.registry.job(id: try fixture.submit(spec, kind: kind))
        func setUp(trippingAt trip: Int?) throws -> Int {
            let checks = Mutex(0)
            let cancellation = JobCancellation {
                let n = checks.withLock { $0 += 1; return $0 }
                return n == trip ? "job is cancelled" : nil
            }
            do {
                _ = try plugin.start(JobContext(job: record, caseFilePath: fixture.caseURL("case-a").path, ranks: 2,
                                                cancellation: cancellation)).firstStep()
            } catch let stopped as JobCancelled {
                #expect(stopped.reason == "job is cancelled")
                #expect(checks.withLock { $0 } == trip, "\(kind): a check after the one that tripped")
                return checks.withLock { $0 }
            }
            #expect(trip == nil, "\(kind): the check that trips at \(trip ?? 0) was never made")
            return checks.withLock { $0 }
        }
        let total = try setUp(trippingAt: nil)
        #expect(total >= (kind == "plan" ? 6 : 2), "\(kind): \(total) checks in start + firstStep")
        for trip in 1...total { #expect(try setUp(trippingAt: trip) == trip) }
    }

    /// The patient model's resampling (seconds in a debug build) checks before every dose-grid slice and stops at
    /// the first check that throws.
    @Test func patientModelStopsAtTheCheckThatThrows() throws {
        struct Stop: Error {}
        let grid = try Grid(nx: 8, ny: 8, nz: 40, spacingMM: SIMD3(2, 2, 2))
        let ct = CTVolume(grid: grid, repeating: 0)
        let calls = Mutex(0)
        _ = try PatientModel(ct: ct, doseGrid: grid, checkpoint: { calls.withLock { $0 += 1 } })
        #expect(calls.withLock { $0 } == 40)
        calls.withLock { $0 = 0 }
        #expect(throws: Stop.self) {
            try PatientModel(ct: ct, doseGrid: grid, checkpoint: {
                if calls.withLock({ $0 += 1; return $0 }) == 5 { throw Stop() }
            })
        }
        #expect(calls.withLock { $0 } == 5, "slices started after the throw")
    }
}
