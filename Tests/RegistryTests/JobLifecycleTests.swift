import Foundation
import Testing
@testable import Registry

@Suite("Job submission, completion and cancellation")
struct JobLifecycleTests {
    @Test("Submit → claim → progress → succeed records every field and logs submitted, claimed, succeeded")
    func happyPath() throws {
        try withScratchRegistry { registry, _ in
            try registry.addCase(sampleCase())
            let spec = "kind: plan\nbeams: [0, 72, 144, 216, 288]\n"
            let submitted = try registry.submitJob(caseID: "lung-001", kind: "plan", specText: spec, priority: 700, maxAttempts: 2, now: t0)
            #expect(submitted.state == .queued && submitted.spec == spec && submitted.priority == 700 && submitted.maxAttempts == 2)
            #expect(submitted.submittedAt == t0)
            let running = try #require(try registry.claimNextJob(owner: "w1", leaseSeconds: 30, now: t0.addingTimeInterval(1)))
            #expect(running.id == submitted.id && running.state == .running)
            try registry.updateProgress(jobID: running.id, owner: "w1", done: 3, total: 8)
            #expect(try registry.job(id: running.id).progressDone == 3)
            #expect(try registry.job(id: running.id).progressTotal == 8)
            let done = try registry.markSucceeded(jobID: running.id, owner: "w1", resultPath: "results/\(running.id).h5", now: t0.addingTimeInterval(5))
            #expect(done.state == .succeeded && done.error == nil)
            #expect(try registry.events(jobID: done.id).map(\.kind) == [.jobSubmitted, .jobClaimed, .jobSucceeded])
            #expect(try registry.events(caseID: "lung-001").map(\.kind) == [.caseAdded, .jobSubmitted, .jobClaimed, .jobSucceeded])
            #expect(try registry.claimNextJob(owner: "w1", leaseSeconds: 30, now: t0) == nil)
        }
    }

    @Test("A failed job is final: it keeps its error and cannot be cancelled")
    func failedIsFinal() throws {
        try withScratchRegistry { registry, _ in
            try registry.addCase(sampleCase())
            let failed = try job(in: .failed, registry)
            #expect(failed.error == "dose kernel diverged")
            #expect(throws: RegistryError.illegalTransition(job: failed.id, from: .failed, to: .cancelled)) {
                try registry.cancel(jobID: failed.id)
            }
        }
    }

    @Test("Cancelling a queued job takes it out of the queue")
    func cancelQueued() throws {
        try withScratchRegistry { registry, _ in
            try registry.addCase(sampleCase())
            let queued = try job(in: .queued, registry)
            let cancelled = try registry.cancel(jobID: queued.id, reason: "wrong spec", now: t0.addingTimeInterval(3))
            #expect(cancelled.state == .cancelled && cancelled.finishedAt == t0.addingTimeInterval(3))
            #expect(try registry.events(jobID: queued.id).last?.message == "queued → cancelled: wrong spec")
            #expect(try registry.claimNextJob(owner: "w1", leaseSeconds: 30, now: t0) == nil)
        }
    }

    @Test("Cancelling a running job makes the owner's renewLease, updateProgress and markSucceeded fail")
    func cancelRunning() throws {
        try withScratchRegistry { registry, _ in
            try registry.addCase(sampleCase())
            let running = try job(in: .running, registry)
            #expect(try registry.cancel(jobID: running.id).state == .cancelled)
            #expect(throws: RegistryError.leaseNotHeld(job: running.id, owner: "w1", state: .cancelled, holder: "w1")) {
                try registry.renewLease(jobID: running.id, owner: "w1", leaseSeconds: 30)
            }
            #expect(throws: RegistryError.leaseNotHeld(job: running.id, owner: "w1", state: .cancelled, holder: "w1")) {
                try registry.updateProgress(jobID: running.id, owner: "w1", done: 1, total: 2)
            }
            #expect(throws: RegistryError.illegalTransition(job: running.id, from: .cancelled, to: .succeeded)) {
                try registry.markSucceeded(jobID: running.id, owner: "w1", resultPath: "results/x.h5")
            }
            #expect(try registry.job(id: running.id).state == .cancelled)
        }
    }

    @Test("Only the lease owner may finish a running job")
    func ownerOnly() throws {
        try withScratchRegistry { registry, _ in
            try registry.addCase(sampleCase())
            let running = try job(in: .running, registry)
            let error = RegistryError.leaseNotHeld(job: running.id, owner: "w2", state: .running, holder: "w1")
            #expect(throws: error) { try registry.markSucceeded(jobID: running.id, owner: "w2", resultPath: "results/x.h5") }
            #expect(throws: error) { try registry.markFailed(jobID: running.id, owner: "w2", error: "boom") }
            #expect(error.description == "job \(running.id) is not leased by \"w2\": it runs under owner \"w1\"")
            #expect(try registry.job(id: running.id) == running)
        }
    }

    @Test("Unknown case or job, and out-of-range numbers, are refused with nothing written; range bounds are accepted")
    func refusals() throws {
        try withScratchRegistry { registry, _ in
            try registry.addCase(sampleCase())
            let before = try rowCounts(registry)
            #expect(throws: RegistryError.caseNotFound("lung-999")) {
                try registry.submitJob(caseID: "lung-999", kind: "plan", specText: "kind: plan")
            }
            #expect(throws: RegistryError.jobNotFound(4711)) { try registry.job(id: 4711) }
            #expect(throws: RegistryError.jobNotFound(4711)) { try registry.cancel(jobID: 4711) }
            for (priority, attempts) in [(-1, 3), (1001, 3), (500, 0), (500, 101)] {
                #expect(throws: RegistryError.self) {
                    try registry.submitJob(caseID: "lung-001", kind: "plan", specText: "kind: plan", priority: priority, maxAttempts: attempts)
                }
            }
            #expect(try rowCounts(registry) == before)
            for (priority, attempts) in [(0, 1), (1000, 100)] {
                let job = try registry.submitJob(caseID: "lung-001", kind: "plan", specText: "kind: plan", priority: priority, maxAttempts: attempts)
                #expect(job.priority == priority && job.maxAttempts == attempts)
            }
            let running = try #require(try registry.claimNextJob(owner: "w1", leaseSeconds: 10))
            #expect(throws: RegistryError.invalidValue(field: "progress done (of 4)", reason: "5 is outside 0...4")) {
                try registry.updateProgress(jobID: running.id, owner: "w1", done: 5, total: 4)
            }
            for lease in [0, -1, .infinity, .nan, 8 * 86_400.0] {
                #expect(throws: RegistryError.self) { try registry.claimNextJob(owner: "w1", leaseSeconds: lease) }
            }
            #expect(throws: RegistryError.self) { try registry.claimNextJob(owner: "", leaseSeconds: 10) }
        }
    }

    @Test("Listing filters by state and case, newest first, honours the limit; counts cover every state")
    func listing() throws {
        try withScratchRegistry { registry, _ in
            try registry.addCase(sampleCase())
            try registry.addCase(sampleCase(id: "lung-002"))
            let a = try job(in: .queued, registry)
            let b = try job(in: .running, registry, caseID: "lung-002")
            let c = try job(in: .queued, registry, caseID: "lung-002")
            #expect(try registry.jobs().map(\.id) == [c.id, b.id, a.id])
            #expect(try registry.jobs(state: .queued).map(\.id) == [c.id, a.id])
            #expect(try registry.jobs(caseID: "lung-002").map(\.id) == [c.id, b.id])
            #expect(try registry.jobs(limit: 1).map(\.id) == [c.id])
            #expect(try registry.jobCounts() == [.queued: 2, .running: 1, .succeeded: 0, .failed: 0, .cancelled: 0])
        }
    }

    @Test("Notes are appended to the job's and the case's events")
    func notes() throws {
        try withScratchRegistry { registry, _ in
            try registry.addCase(sampleCase())
            let queued = try job(in: .queued, registry)
            let note = try registry.addNote(jobID: queued.id, message: "segmentation 1.8 s", now: t0)
            #expect(note.kind == .note && note.caseID == "lung-001" && note.jobID == queued.id)
            #expect(try registry.events(caseID: "lung-001").last == note)
            #expect(throws: RegistryError.jobNotFound(99)) { try registry.addNote(jobID: 99, message: "x") }
        }
    }
}
