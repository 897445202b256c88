import Foundation
import GRDB
import Testing
@testable import Registry

/// Collects results from threads; all access under a lock.
final class Collector<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Value] = []
    func append(_ value: Value) { lock.withLock { values.append(value) } }
    func append(contentsOf more: [Value]) { lock.withLock { values.append(contentsOf: more) } }
    var all: [Value] { lock.withLock { values } }
}

/// Releases all waiting threads once `count` of them have arrived.
final class StartBarrier: @unchecked Sendable {
    private let condition = NSCondition()
    private var waiting: Int
    init(count: Int) { waiting = count }
    func arriveAndWait() {
        condition.lock()
        waiting -= 1
        if waiting == 0 { condition.broadcast() }
        while waiting > 0 { condition.wait() }
        condition.unlock()
    }
}

/// Runs `body(index)` on `count` separate threads and waits for all of them.
func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let group = DispatchGroup()
    for index in 0..<count {
        group.enter()
        let thread = Thread {
            body(index)
            group.leave()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }
    group.wait()
}

@Suite("Many writers on one file", .serialized)
struct ConcurrencyTests {
    @Test("20 threads, each with its own Registry (own DatabasePool, like separate processes), create the file and submit 50 jobs each at once: 1000 distinct jobs, no error")
    func manyWriters() throws {
        let directory = try makeScratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("registry.sqlite").path
        let ids = Collector<Int64>()
        let errors = Collector<String>()
        let opened = StartBarrier(count: 20)
        let submitting = StartBarrier(count: 20)
        let start = Date()
        onThreads(20) { thread in
            var registry: Registry?
            do {
                registry = try Registry(path: path)
            } catch {
                errors.append("thread \(thread) opening: \(error)")
            }
            opened.arriveAndWait()
            if thread == 0 {
                do { try registry?.addCase(sampleCase()) } catch { errors.append("adding the case: \(error)") }
            }
            submitting.arriveAndWait()
            guard let registry else { return }
            for _ in 0..<50 {
                do {
                    ids.append(try registry.submitJob(caseID: "lung-001", kind: "dose", specText: "thread: \(thread)\n").id)
                } catch {
                    errors.append("thread \(thread): \(error)")
                }
            }
        }
        let seconds = Date().timeIntervalSince(start)
        #expect(errors.all.isEmpty, "\(errors.all)")
        #expect(ids.all.count == 1000)
        #expect(Set(ids.all).count == 1000)
        let registry = try Registry(path: path)
        #expect(try registry.jobCounts()[.queued] == 1000)
        #expect(try rowCounts(registry) == ["cases": 1, "jobs": 1000, "events": 1001])
        print("20 writers × 50 submissions: \(String(format: "%.2f", seconds)) s")
    }
}

@Suite("Claims and locks across connections", .serialized)
struct ClaimRaceTests {
    @Test("4 threads with their own Registry claim 200 jobs concurrently: each job is claimed exactly once")
    func claimsAreExclusive() throws {
        let directory = try makeScratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("registry.sqlite").path
        let setup = try Registry(path: path)
        try setup.addCase(sampleCase())
        for _ in 0..<200 { _ = try setup.submitJob(caseID: "lung-001", kind: "dose", specText: "kind: dose") }
        let claimed = Collector<Int64>()
        let errors = Collector<String>()
        let start = StartBarrier(count: 4)
        onThreads(4) { thread in
            do {
                let registry = try Registry(path: path)
                start.arriveAndWait()
                while let job = try registry.claimNextJob(owner: "worker-\(thread)", leaseSeconds: 60) {
                    claimed.append(job.id)
                }
            } catch {
                errors.append("thread \(thread): \(error)")
            }
        }
        #expect(errors.all.isEmpty, "\(errors.all)")
        #expect(claimed.all.count == 200)
        #expect(Set(claimed.all).count == 200)
        #expect(try setup.jobCounts()[.running] == 200)
    }

    /// The busy timeout is wall-clock time from a lock wait's first attempt, however long the naps took; each wait
    /// (naps back at 0) starts afresh.
    @Test func busyTimeoutIsWallClockFromTheFirstAttempt() {
        let wait = Registry.busyWait(timeoutSeconds: 0.2)
        #expect(wait(0))
        usleep(250_000)  // a machine so loaded that a nap lasted 0.25 s
        #expect(!wait(1), "gave up: 0.25 s have passed, though only 1 nap was taken")
        #expect(wait(0), "a new lock wait")
        // A call that does not continue the count (SQLite calls the handler from paths that do not reset it) starts
        // a new wait too, rather than inheriting an old start time.
        usleep(250_000)
        #expect(wait(5), "not the continuation of the wait that ended at 1")
        let patient = Registry.busyWait(timeoutSeconds: 10)
        #expect((0..<50).allSatisfy { patient($0) }, "50 naps of 2 ms are well within 10 s")
    }

    @Test("A write waits for another connection's write lock within the busy timeout, and fails with 'database is locked' past it")
    func busyTimeout() throws {
        let directory = try makeScratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("registry.sqlite").path
        let patient = try Registry(path: path, busyTimeoutSeconds: 10)
        let impatient = try Registry(path: path, busyTimeoutSeconds: 0.05)
        try patient.addCase(sampleCase())
        let holder = try DatabaseQueue(path: path)
        let locked = StartBarrier(count: 2), patientWaiting = StartBarrier(count: 2)
        let impatientOutcome = Collector<Int>(), committedAt = Collector<Date>(), patientDoneAt = Collector<Date>()
        onThreads(2) { thread in
            if thread == 0 {
                // Holds the write lock until the impatient write has given up and the patient one is under way.
                try? holder.inDatabase { db in
                    try db.execute(sql: "BEGIN IMMEDIATE TRANSACTION")
                    locked.arriveAndWait()
                    patientWaiting.arriveAndWait()
                    Thread.sleep(forTimeInterval: 0.3)  // lets the patient write reach its busy wait (not needed for the checks)
                    committedAt.append(Date())
                    try db.execute(sql: "COMMIT")
                }
            } else {
                locked.arriveAndWait()
                do {
                    _ = try impatient.submitJob(caseID: "lung-001", kind: "dose", specText: "kind: dose")
                    impatientOutcome.append(-1)
                } catch let RegistryError.database(_, message) {
                    impatientOutcome.append(message.contains("database is locked") ? -2 : -3)
                } catch {
                    impatientOutcome.append(-3)
                }
                patientWaiting.arriveAndWait()
                if (try? patient.submitJob(caseID: "lung-001", kind: "dose", specText: "kind: dose")) != nil {
                    patientDoneAt.append(Date())
                }
            }
        }
        // The impatient write (0.05 s) failed with "database is locked" while the lock was held; the patient one
        // (10 s) waited for the holder's commit and then succeeded. No timing tolerance: the order is what counts.
        #expect(impatientOutcome.all == [-2])
        let committed = try #require(committedAt.all.first), done = try #require(patientDoneAt.all.first)
        #expect(done >= committed, "the patient write finished \(committed.timeIntervalSince(done)) s before the holder's commit")
        #expect(try patient.jobCounts()[.queued] == 1)
    }
}
