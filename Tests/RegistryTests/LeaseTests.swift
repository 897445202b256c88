import Foundation
import Testing
@testable import Registry

@Suite("Claims, leases and requeueing")
struct LeaseTests {
    @Test("Claims take the highest priority first, then the oldest submission, then the lowest id")
    func claimOrder() throws {
        try withScratchRegistry { registry, _ in
            try registry.addCase(sampleCase())
            func submit(_ priority: Int, _ seconds: Double) throws -> Int64 {
                try registry.submitJob(caseID: "lung-001", kind: "dose", specText: "kind: dose", priority: priority, now: t0.addingTimeInterval(seconds)).id
            }
            let low = try submit(5, 0)
            let lateHigh = try submit(9, 20)
            let earlyHigh = try submit(9, 10)
            let tieA = try submit(1, 30)
            let tieB = try submit(1, 30)
            var order: [Int64] = []
            while let job = try registry.claimNextJob(owner: "w1", leaseSeconds: 60, now: t0.addingTimeInterval(100)) {
                order.append(job.id)
            }
            #expect(order == [earlyHigh, lateHigh, low, tieA, tieB])
        }
    }

    @Test("Claims skip excluded ids")
    func excluding() throws {
        try withScratchRegistry { registry, _ in
            try registry.addCase(sampleCase())
            let first = try job(in: .queued, registry)
            let second = try job(in: .queued, registry)
            #expect(try registry.claimNextJob(owner: "w1", leaseSeconds: 60, excluding: [first.id])?.id == second.id)
            #expect(try registry.claimNextJob(owner: "w1", leaseSeconds: 60, excluding: [first.id]) == nil)
        }
    }

    @Test("Expired leases requeue the job (attempts count claims) until max attempts, then fail with the last error")
    func expiryThenFailure() throws {
        try withScratchRegistry { registry, _ in
            try registry.addCase(sampleCase())
            let id = try job(in: .queued, registry, maxAttempts: 3).id
            // Run 1: claimed at t0 with a 60 s lease; not expired at t0 + 59 s, expired at t0 + 60 s.
            #expect(try registry.claimNextJob(owner: "w1", leaseSeconds: 60, now: t0)?.attempts == 1)
            #expect(try registry.requeueExpiredLeases(now: t0.addingTimeInterval(59)).isEmpty)
            let first = try registry.requeueExpiredLeases(now: t0.addingTimeInterval(60))
            #expect(first.map(\.id) == [id] && first[0].state == .queued && first[0].attempts == 1 && first[0].error == nil)
            // Run 2 asks for a retry after a recoverable error.
            #expect(try registry.claimNextJob(owner: "w2", leaseSeconds: 60, now: t0.addingTimeInterval(100))?.attempts == 2)
            let retried = try registry.requeueForRetry(jobID: id, owner: "w2", error: "rank 3 lost", now: t0.addingTimeInterval(110))
            #expect(retried.state == .queued && retried.error == "rank 3 lost" && retried.attempts == 2)
            // Run 3 expires: attempts reached max, the job fails and keeps the previous error.
            #expect(try registry.claimNextJob(owner: "w3", leaseSeconds: 60, now: t0.addingTimeInterval(200))?.attempts == 3)
            let last = try registry.requeueExpiredLeases(now: t0.addingTimeInterval(300))
            #expect(last.map(\.state) == [.failed])
            #expect(last[0].error == "lease expired after 3 attempts; last error: rank 3 lost")
            #expect(last[0].finishedAt == t0.addingTimeInterval(300))
            #expect(try registry.claimNextJob(owner: "w4", leaseSeconds: 60, now: t0.addingTimeInterval(400)) == nil)
            #expect(try registry.events(jobID: id).map(\.kind) == [
                .jobSubmitted, .jobClaimed, .jobRequeued, .jobClaimed, .jobRequeued, .jobClaimed, .jobFailed,
            ])
        }
    }

    @Test("With one attempt and no earlier error the failure message is just the expiry")
    func singleAttempt() throws {
        try withScratchRegistry { registry, _ in
            try registry.addCase(sampleCase())
            let running = try job(in: .running, registry, maxAttempts: 1)
            let failed = try registry.requeueExpiredLeases(now: t0.addingTimeInterval(61))
            #expect(failed.map(\.id) == [running.id])
            #expect(failed[0].error == "lease expired after 1 attempt")
        }
    }

    @Test("A retry on the last attempt fails the job")
    func retryOnLastAttempt() throws {
        try withScratchRegistry { registry, _ in
            try registry.addCase(sampleCase())
            let running = try job(in: .running, registry, maxAttempts: 1)
            let failed = try registry.requeueForRetry(jobID: running.id, owner: "w1", error: "out of memory", now: t0)
            #expect(failed.state == .failed && failed.error == "failed after 1 attempt; last error: out of memory")
        }
    }

    @Test("Renewing moves the expiry; a lost lease cannot be renewed or used after another owner claimed the job")
    func renewal() throws {
        try withScratchRegistry { registry, _ in
            try registry.addCase(sampleCase())
            let running = try job(in: .running, registry)
            let renewed = try registry.renewLease(jobID: running.id, owner: "w1", leaseSeconds: 60, now: t0.addingTimeInterval(50))
            #expect(renewed.leaseExpiresAt == t0.addingTimeInterval(110))
            #expect(try registry.requeueExpiredLeases(now: t0.addingTimeInterval(100)).isEmpty)
            #expect(try registry.requeueExpiredLeases(now: t0.addingTimeInterval(110)).count == 1)
            #expect(throws: RegistryError.leaseNotHeld(job: running.id, owner: "w1", state: .queued, holder: nil)) {
                try registry.renewLease(jobID: running.id, owner: "w1", leaseSeconds: 60, now: t0.addingTimeInterval(111))
            }
            _ = try registry.claimNextJob(owner: "w2", leaseSeconds: 60, now: t0.addingTimeInterval(120))
            #expect(throws: RegistryError.leaseNotHeld(job: running.id, owner: "w1", state: .running, holder: "w2")) {
                try registry.markSucceeded(jobID: running.id, owner: "w1", resultPath: "results/1.h5")
            }
        }
    }
}
