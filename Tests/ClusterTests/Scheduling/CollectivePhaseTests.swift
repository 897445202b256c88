import Foundation
import Store
import Testing
@testable import Cluster

/// Collective phases in process: `slots` threads, shared-memory rounds.
@Suite(.timeLimit(.minutes(2))) struct CollectivePhaseTests {
    /// 1, 2 and 3 members: every member receives the member-order sum of every round (exactly the expected
    /// Doubles), knows its index and the group size, and a second run gives bitwise the same values.
    @Test(arguments: [1, 2, 3])
    func allreduceSumsOverEveryMember(members: Int) throws {
        var firstRun: [[Double]]?
        for _ in 0..<2 {
            let fixture = try SchedulerFixture()
            let job = try fixture.submit("rounds=3 length=5", kind: "summing")
            let summary = try fixture.drain(kind: SummingKind(), slots: members, completion: .newestFirst)
            let record = try fixture.registry.job(id: job)
            try #require(record.state == .succeeded, "\(record.error ?? "")")
            #expect(summary.tasksDispatched == members)
            let file = try ResultFile.read(path: fixture.resultURL(job).path)
            let expected = SummingKind.expected(members: members, rounds: 3, length: 5)
            var received: [[Double]] = []
            for member in 0..<members {
                guard case .float64(let values) = file.arrays["/received/\(member)"]?.values else { Issue.record("member \(member) missing"); continue }
                #expect(values == expected, "member \(member) of \(members)")
                #expect(file.arrays["/group/\(member)"]?.values == .int64([Int64(member), Int64(members)]))
                received.append(values)
            }
            if let firstRun { #expect(received == firstRun) } else { firstRun = received }
        }
    }

    /// A member that throws before a round, or after its last round, fails the job with its message on every
    /// member count without leaving the others waiting; a following job on the same workers succeeds.
    @Test(arguments: [(2, "1.1"), (3, "0.0"), (3, "2.end"), (1, "0.2")])
    func throwingMemberFailsTheJobWithoutHanging(members: Int, fail: String) throws {
        let fixture = try SchedulerFixture()
        let bad = try fixture.submit("rounds=3 length=2 fail=\(fail)", kind: "summing", priority: 900)
        let good = try fixture.submit("rounds=2 length=2", kind: "summing", priority: 100)
        try fixture.drain(kind: SummingKind(), slots: members, maxJobsInFlight: 1)
        let failed = try fixture.registry.job(id: bad)
        let member = fail.split(separator: ".")[0]
        #expect(failed.state == .failed && failed.error?.contains("injected failure of member \(member)") == true, "\(failed.error ?? "")")
        #expect(!FileManager.default.fileExists(atPath: fixture.resultURL(bad).path))
        #expect(try fixture.registry.job(id: good).state == .succeeded)
    }

    /// Fairness rule: a collective phase that becomes ready while another job's tasks are out waits only for
    /// those; the other job's remaining tasks start after every member replied. Job A (counting, 6 tasks of
    /// 20 ms on 2 slots) submits job B (summing) from its first task; B is claimed at the next registry poll.
    @Test func collectivePhaseRunsAfterTheTasksAlreadyOut() throws {
        let fixture = try SchedulerFixture()
        let log = ThreadResults(count: 0)
        let registry = fixture.registry
        let counting = CountingKind(onExecute: { _, _, index in
            log.append("A\(index)")
            if index == 0 { _ = try? registry.submitJob(caseID: "case-b", kind: "summing", specText: "rounds=1 length=1", priority: 500, maxAttempts: 1) }
        })
        let summing = SummingKind(onExecute: { member in log.append("B\(member)") })
        let catalog = KindCatalog([counting, summing])
        let a = try fixture.submit("phases=1 tasks=6 sleep-ms=20")
        let coordinator = Coordinator(registry: registry, dataRoot: fixture.root, catalog: catalog,
                                      pool: LocalWorkerPool(catalog: catalog, slots: 2),
                                      options: CoordinatorOptions(mode: .drain, leaseSeconds: 30, pollSeconds: 0.001, owner: "test-run",
                                                                  softwareVersion: "test"))
        try coordinator.run()
        #expect(try registry.job(id: a).state == .succeeded)
        #expect(try registry.jobs().allSatisfy { $0.state == .succeeded })
        let order = log.values
        #expect(order.count == 8 && Array(order.prefix(2)) == ["A0", "A1"], "\(order)")
        #expect(Set(order[2..<4]) == ["B0", "B1"] && order[4...] == ["A2", "A3", "A4", "A5"], "\(order)")
    }

    /// A collective phase must have one task per worker; otherwise the job fails before anything is sent.
    @Test func collectivePhaseNeedsOneTaskPerWorker() throws {
        let fixture = try SchedulerFixture()
        let job = try fixture.submit("tasks=3", kind: "summing")
        let summary = try fixture.drain(kind: SummingKind(), slots: 2)
        let record = try fixture.registry.job(id: job)
        #expect(record.state == .failed && record.error == "the job gave 3 tasks to a collective phase of 2 members", "\(record.error ?? "")")
        #expect(summary.tasksDispatched == 0)
    }

    /// Members that disagree on the calls (different lengths) all throw instead of summing garbage.
    @Test func mismatchedLengthsFailEveryMember() throws {
        let hub = LocalCollectiveHub(size: 2)
        let reports = ThreadResults.onThreads(2) { member in
            var values = [Double](repeating: 1, count: member + 1)
            do { try hub.member(member).allreduceSum(&values); return "summed" } catch { return "\(error)" }
        }
        #expect(reports.allSatisfy { $0.contains("member 1 passed 2 values to allreduceSum, member 0 1") }, "\(reports)")
    }

    /// alltoallv on 1, 2 and 4 threads, twice in a row: member m receives from every member s exactly the part s
    /// addressed to m (lengths 0…2, so empty parts too), in member order; an allreduceSum between the two
    /// exchanges still sums.
    @Test(arguments: [1, 2, 4])
    func alltoallvDeliversEveryPart(members: Int) throws {
        let hub = LocalCollectiveHub(size: members)
        @Sendable func part(from s: Int, to d: Int, round: Int) -> [Int32] { (0..<((s + d + round) % 3)).map { Int32(1000 * round + 100 * s + 10 * d + $0) } }
        let reports = ThreadResults.onThreads(members) { m in
            let member = hub.member(m)
            var report = ""
            do {
                for round in 0..<2 {
                    let received = try member.alltoallv((0..<members).map { part(from: m, to: $0, round: round) })
                    report += received == (0..<members).map { part(from: $0, to: m, round: round) } ? "ok " : "wrong \(received) "
                    var one = [1.0]
                    try member.allreduceSum(&one)
                    report += one == [Double(members)] ? "ok " : "sum \(one) "
                }
            } catch { report += "\(error)" }
            return report
        }
        #expect(reports == Array(repeating: "ok ok ok ok ", count: members), "\(reports)")
    }

    /// A member that passes the wrong number of parts fails its task; the others, waiting in the exchange, throw
    /// the group's failure naming it instead of hanging.
    @Test func alltoallvWithWrongPartCountFailsEveryMember() throws {
        let hub = LocalCollectiveHub(size: 3)
        let reports = ThreadResults.onThreads(3) { m in
            do {
                _ = try hub.member(m).run { group in
                    _ = try group.alltoallv(Array(repeating: [Int32(m)], count: m == 1 ? 2 : 3))
                    return TaskPayload()
                }
                return "done"
            } catch { return "\(error)" }
        }
        #expect(reports.allSatisfy { $0.contains("member 1 of 3 failed") && $0.contains("alltoallv with 2 parts for 3 members") }, "\(reports)")
    }

    /// Contributions and outcomes survive their byte encoding; damaged bytes are rejected.
    @Test func roundMessagesRoundTrip() throws {
        for c: CollectiveRound.Contribution in [.data([1.5, -0.0, .infinity]), .data([]), .done, .failed("naïve error")] {
            #expect(try CollectiveRound.decodeContribution(CollectiveRound.encode(c)) == c)
        }
        for o: CollectiveRound.Outcome in [.sum([2, 3]), .done, .failed(member: 4, message: "x"), .failed(member: nil, message: "")] {
            #expect(try CollectiveRound.decodeOutcome(CollectiveRound.encode(o)) == o)
        }
        #expect(throws: WireError.self) { try CollectiveRound.decodeContribution([1, 0, 0]) }
        #expect(throws: WireError.self) { try CollectiveRound.decodeOutcome([9]) }
    }
}

/// Per-thread results of a test.
final class ThreadResults: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [String]

    init(count: Int) { slots = Array(repeating: "", count: count) }

    func set(_ index: Int, _ value: String) { lock.withLock { slots[index] = value } }

    func append(_ value: String) { lock.withLock { slots.append(value) } }

    var values: [String] { lock.withLock { slots } }

    /// Runs `body(i)` on `count` threads at once and returns their reports in index order.
    static func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> String) -> [String] {
        let results = ThreadResults(count: count)
        let done = DispatchGroup()
        for i in 0..<count {
            done.enter()
            Thread {
                results.set(i, body(i))
                done.leave()
            }.start()
        }
        done.wait()
        return results.values
    }
}
