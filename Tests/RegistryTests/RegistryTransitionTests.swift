import Foundation
import Testing
@testable import Registry

@Suite("State changes in the database")
struct RegistryTransitionTests {
    @Test("Every (from, to) pair through the registry's single transition path: legal ones change the row and log one event, illegal ones change nothing")
    func matrixThroughDatabase() throws {
        try withScratchRegistry { registry, _ in
            try registry.addCase(sampleCase())
            var checked = 0
            for from in JobState.allCases {
                for to in JobState.allCases {
                    let before = try job(in: from, registry)
                    #expect(before.state == from)
                    let eventsBefore = try registry.events(jobID: before.id)
                    let now = t0.addingTimeInterval(10)
                    let outcome = Result {
                        try registry.write { db in
                            try registry.transition(db, jobID: before.id, to: to, owner: nil, now: now, detail: "matrix") { _ in }
                        }
                    }
                    let eventsAfter = try registry.events(jobID: before.id)
                    if JobStateTests.legal.contains([from, to]) {
                        let after = try outcome.get()
                        #expect(after.state == to, "\(from) → \(to)")
                        #expect(try registry.job(id: before.id) == after)
                        #expect(eventsAfter.count == eventsBefore.count + 1)
                        #expect(eventsAfter.last?.kind == EventKind.entering(to))
                        #expect(eventsAfter.last?.message == "\(from) → \(to): matrix")
                    } else {
                        #expect(throws: RegistryError.illegalTransition(job: before.id, from: from, to: to)) { try outcome.get() }
                        #expect(try registry.job(id: before.id) == before, "\(from) → \(to) must leave the row alone")
                        #expect(eventsAfter == eventsBefore)
                    }
                    checked += 1
                }
            }
            #expect(checked == 25)
        }
    }

    @Test("Bookkeeping per target: running counts an attempt, queued drops the lease, final states stamp finishedAt")
    func bookkeeping() throws {
        try withScratchRegistry { registry, _ in
            try registry.addCase(sampleCase())
            let queued = try job(in: .queued, registry)
            #expect(queued.attempts == 0 && queued.startedAt == nil && queued.leaseOwner == nil)
            let running = try #require(try claim(registry, queued.id, owner: "node1:4242", leaseSeconds: 90, now: t0))
            #expect(running.attempts == 1)
            #expect(running.startedAt == t0)
            #expect(running.leaseOwner == "node1:4242")
            #expect(running.leaseExpiresAt == t0.addingTimeInterval(90))
            let requeued = try registry.requeueExpiredLeases(now: t0.addingTimeInterval(90))
            #expect(requeued.map(\.state) == [.queued])
            #expect(requeued[0].leaseOwner == nil && requeued[0].leaseExpiresAt == nil && requeued[0].attempts == 1)
            let again = try #require(try claim(registry, queued.id, owner: "node2:7", now: t0.addingTimeInterval(100)))
            #expect(again.attempts == 2)
            let done = try registry.markSucceeded(jobID: again.id, owner: "node2:7", resultPath: "results/1.h5", now: t0.addingTimeInterval(200))
            #expect(done.finishedAt == t0.addingTimeInterval(200))
            #expect(done.leaseExpiresAt == nil)
            #expect(done.leaseOwner == "node2:7")
            #expect(done.resultPath == "results/1.h5")
        }
    }
}
