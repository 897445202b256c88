#if canImport(Glibc)
import Glibc
#endif

/// Runs the collective self-test on every rank of `communicator` (all ranks must call it) and returns the report.
///
/// It exercises every operation of `Communicator` under both wait policies with expected values computed from
/// rank and size, all compared exactly: init and processor name; barrier; allgather; allreduce sum/max/min of
/// 1000-element arrays of every `MPIScalar` type against the closed forms; bcast of a 10^5-element Float array
/// from the last rank (non-roots start empty) and of an empty array; a ring of isend/recv with rank-dependent
/// lengths; recv from any source with any tag; iprobe and probe; an 8 MiB ring message; alltoallv with
/// rank-and-destination-dependent lengths (including empty buffers) and contents. A barrier separates checks.
/// Results are combined with an allreduce so that `ok` agrees on all ranks; rank 0 also receives the other
/// ranks' failure messages. Uses tags 20...399 and 32000.
public func runSelfTest(on communicator: Communicator) -> SelfTestReport {
    SelfTest(communicator: communicator).run()
}

/// The checks behind `runSelfTest(on:)`; each returns a description of what it verified.
struct SelfTest {
    let communicator: Communicator
    private var rank: Int { communicator.rank }
    private var size: Int { communicator.size }
    private static let policies: [WaitPolicy] = [.default, .blocking]
    private static let detailTag = 32000

    func run() -> SelfTestReport {
        let checks: [(String, (inout SelfTestVerifier) -> String)] = [
            ("init", initialization),
            ("barrier", barrier),
            ("allgather", allgather),
            ("allreduce", allreduce),
            ("bcast", bcast),
            ("send-recv-ring", ring),
            ("recv-any-source", receiveFromAnySource),
            ("iprobe", probing),
            ("large-message", largeMessage),
            ("alltoallv", alltoallv),
        ]
        var local: [SelfTestCheck] = []
        for (name, body) in checks {
            var verifier = SelfTestVerifier()
            let description = body(&verifier)
            local.append(SelfTestCheck(name: name, ok: verifier.failures.isEmpty,
                                       detail: verifier.failures.isEmpty ? description
                                                                         : verifier.failures.joined(separator: "; ")))
            communicator.barrier()
        }
        return combine(local)
    }

    // MARK: - Checks

    private func initialization(_ verify: inout SelfTestVerifier) -> String {
        let name = MPIEnvironment.processorName
        let support = MPIEnvironment.threadSupport
        verify.expect(MPIEnvironment.isInitialized && !MPIEnvironment.isFinalized, "MPI is not active")
        verify.expect(size >= 1 && (0..<size).contains(rank), "rank \(rank) is outside 0..<\(size)")
        verify.expect(!name.isEmpty, "processor name is empty")
        verify.expect((support ?? .single) >= .serialized, "thread support \(String(describing: support)) < serialized")
        return "rank \(rank) of \(size) on \(name), thread support \(support.map { "\($0)" } ?? "unknown")"
    }

    private func barrier(_ verify: inout SelfTestVerifier) -> String {
        for policy in Self.policies {
            let timed = ContinuousClock().measure { communicator.withWaitPolicy(policy).barrier() }
            verify.expect(timed < .seconds(30), "barrier (\(policy)) took \(timed)")
        }
        return "polling and blocking barriers completed"
    }

    private func allgather(_ verify: inout SelfTestVerifier) -> String {
        for policy in Self.policies {
            let comm = communicator.withWaitPolicy(policy)
            verify.expectEqual(comm.allgather(Int64(rank * rank + 7)), (0..<size).map { Int64($0 * $0 + 7) },
                               "allgather Int64 (\(policy))")
            verify.expectEqual(comm.allgather(Double(rank) + 0.5), (0..<size).map { Double($0) + 0.5 },
                               "allgather Double (\(policy))")
        }
        return "gathered r*r+7 (Int64) and r+0.5 (Double) from every rank"
    }

    private func allreduce(_ verify: inout SelfTestVerifier) -> String {
        for policy in Self.policies {
            let comm = communicator.withWaitPolicy(policy)
            reduce(Double.self, on: comm, &verify)
            reduce(Float.self, on: comm, &verify)
            reduce(Int64.self, on: comm, &verify)
            reduce(UInt64.self, on: comm, &verify)
            reduce(Int32.self, on: comm, &verify)
            reduce(Int16.self, on: comm, &verify)
            reduce(Int.self, on: comm, &verify)
            reduce(UInt8.self, on: comm, &verify)
            var empty: [Double] = []
            comm.allreduce(&empty, .sum)
            verify.expect(empty.isEmpty, "allreduce of an empty array returned \(empty.count) elements")
            verify.expect(comm.allreduce(rank + 1, .sum) == size * (size + 1) / 2, "scalar allreduce sum of rank+1")
        }
        return "sum/max/min of (r+1)*(i%7+1) over 1000 elements for 8 types (sum skipped where it would overflow)"
    }

    /// Allreduce of c(r, i) = (r + 1)·(i mod 7 + 1): sum = size(size+1)/2·(i mod 7 + 1), max = size·(i mod 7 + 1),
    /// min = i mod 7 + 1. A case whose expected value does not fit `Element` is skipped.
    private func reduce<Element: MPIScalar & Numeric & Comparable>(
        _ type: Element.Type, on comm: Communicator, _ verify: inout SelfTestVerifier
    ) {
        let count = 1000
        let closedForms: [(ReductionOperation, Int)] = [(.sum, size * (size + 1) / 2), (.max, size), (.min, 1)]
        for (operation, factor) in closedForms {
            let expected = (0..<count).map { Element(exactly: factor * ($0 % 7 + 1)) }
            guard expected.allSatisfy({ $0 != nil }) else { continue }
            var values = (0..<count).map { Element(exactly: (rank + 1) * ($0 % 7 + 1))! }
            comm.allreduce(&values, operation)
            verify.expectEqual(values, expected.map { $0! }, "allreduce \(operation) of \(Element.self) (\(comm.waitPolicy))")
        }
    }

    private func bcast(_ verify: inout SelfTestVerifier) -> String {
        let root = size - 1
        let count = 100_000
        let expected = (0..<count).map { Float($0 % 4099) * 0.25 + Float(root) }
        for policy in Self.policies {
            let comm = communicator.withWaitPolicy(policy)
            var values: [Float] = rank == root ? expected : []
            comm.bcast(&values, root: root)
            verify.expectEqual(values, expected, "bcast of \(count) Float from root \(root) (\(policy))")
            var empty: [Int64] = rank == 0 ? [] : [1, 2, 3]
            comm.bcast(&empty, root: 0)
            verify.expect(empty.isEmpty, "bcast of an empty array from root 0 left \(empty.count) elements (\(policy))")
            var small: [Int16] = rank == 0 ? [-3, 0, 32767] : []
            comm.bcast(&small, root: 0)
            verify.expectEqual(small, [-3, 0, 32767], "bcast of Int16 from root 0 (\(policy))")
        }
        return "10^5 Float from root \(root), empty Int64 and 3 Int16 from root 0"
    }

    private func ring(_ verify: inout SelfTestVerifier) -> String {
        let next = (rank + 1) % size
        let previous = (rank + size - 1) % size
        for policy in Self.policies {
            let comm = communicator.withWaitPolicy(policy)
            let pending = comm.isend((0...rank).map { Int32(rank * 1000 + $0) }, to: next, tag: 20)
            let message = comm.recv(Int32.self, from: previous, tag: 20)
            pending.wait()
            verify.expect(message.source == previous && message.tag == 20,
                          "ring message came from \(message.source) tag \(message.tag), expected \(previous) tag 20")
            verify.expectEqual(message.values, (0...previous).map { Int32(previous * 1000 + $0) },
                               "ring Int32 from rank \(previous) (\(policy))")
        }
        if size > 1 {
            let comm = communicator
            if rank == 0 {
                comm.send([Double(rank) + 0.25], to: next, tag: 21)
                let back = comm.recv(Double.self, from: previous, tag: 21)
                verify.expectEqual(back.values, [0.25 + Double(size - 1)], "blocking-send ring")
            } else {
                let received = comm.recv(Double.self, from: previous, tag: 21)
                comm.send([received.values.first.map { $0 + 1 } ?? -1], to: next, tag: 21)
            }
        }
        return "isend/recv of rank-dependent lengths around the ring" + (size > 1 ? ", and a send/recv token ring" : "")
    }

    private func receiveFromAnySource(_ verify: inout SelfTestVerifier) -> String {
        let payload = { (source: Int) in (0..<(3 + source)).map { UInt8((source * 7 + $0) % 256) } }
        let pending = communicator.isend(payload(rank), to: 0, tag: 100 + rank)
        if rank == 0 {
            var sources: [Int] = []
            for _ in 0..<size {
                let message = communicator.recv(UInt8.self, from: Communicator.anySource, tag: Communicator.anyTag)
                sources.append(message.source)
                verify.expect(message.tag == 100 + message.source,
                              "message from rank \(message.source) has tag \(message.tag), expected \(100 + message.source)")
                verify.expectEqual(message.values, payload(message.source), "bytes from rank \(message.source)")
            }
            verify.expectEqual(sources.sorted(), Array(0..<size), "sources seen by rank 0")
        }
        pending.wait()
        return "rank 0 received one [UInt8] from each of \(size) ranks with source and tag reported"
    }

    private func probing(_ verify: inout SelfTestVerifier) -> String {
        verify.expect(communicator.iprobe(from: Communicator.anySource, tag: 300) == nil,
                      "iprobe found a message with tag 300, which nobody sent")
        let values = (0..<17).map { Double(rank) * 100 + Double($0) / 4 }
        let pending = communicator.isend(values, to: rank, tag: 301)
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(10)
        var seen = communicator.iprobe(from: rank, tag: 301)
        while seen == nil && clock.now < deadline {
            usleep(100)
            seen = communicator.iprobe(from: rank, tag: 301)
        }
        let expected = ProbedMessage(source: rank, tag: 301, byteCount: 17 * 8)
        verify.expect(seen == expected, "iprobe of a message to self saw \(String(describing: seen)), expected \(expected)")
        verify.expect(seen?.count(of: Double.self) == 17, "iprobe count of Double is not 17")
        let probed = communicator.probe(from: rank, tag: 301)
        verify.expect(probed == expected, "probe saw \(probed), expected \(expected)")
        verify.expectEqual(communicator.recv(Double.self, from: rank, tag: 301).values, values, "message after probe")
        pending.wait()
        return "iprobe is nil for an unsent tag, then sees source, tag and 136 bytes of a message to self"
    }

    private func largeMessage(_ verify: inout SelfTestVerifier) -> String {
        let count = (1 << 20) + 3
        let next = (rank + 1) % size
        let previous = (rank + size - 1) % size
        let content = { (source: Int) in (0..<count).map { UInt64(source) << 40 | UInt64($0) } }
        let outgoing = content(rank)
        let expected = content(previous)
        var timings: [String] = []
        for policy in Self.policies {
            let comm = communicator.withWaitPolicy(policy)
            comm.barrier()
            var message: ReceivedMessage<UInt64>?
            let elapsed = ContinuousClock().measure {
                let pending = comm.isend(outgoing, to: next, tag: 22)
                message = comm.recv(UInt64.self, from: previous, tag: 22)
                pending.wait()
            }
            verify.expectEqual(message?.values ?? [], expected, "8 MiB UInt64 message from rank \(previous) (\(policy))")
            let milliseconds = Double(elapsed.components.attoseconds) * 1e-15 + Double(elapsed.components.seconds) * 1e3
            timings.append("\(policy == .blocking ? "blocking" : "polling") \(Int(milliseconds.rounded())) ms")
        }
        return "\(count) UInt64 (8 MiB + 24 B) around the ring; rank \(rank): " + timings.joined(separator: ", ")
    }

    private func alltoallv(_ verify: inout SelfTestVerifier) -> String {
        let length = { (source: Int, destination: Int) in (3 * source + destination) % 4 + (source == destination ? 0 : 2) }
        let int32Content = { (source: Int, destination: Int) in
            (0..<length(source, destination)).map { Int32(source * 1_000_000 + destination * 1000 + $0) }
        }
        let doubleContent = { (source: Int, destination: Int) in
            (0..<(1000 + 17 * source + destination)).map { Double(source) - Double(destination) / 8 + Double($0) }
        }
        for policy in Self.policies {
            let comm = communicator.withWaitPolicy(policy)
            let received = comm.alltoallv((0..<size).map { int32Content(rank, $0) })
            verify.expect(received.count == size, "alltoallv returned \(received.count) buffers, expected \(size)")
            for (source, buffer) in received.enumerated() {
                verify.expectEqual(buffer, int32Content(source, rank), "alltoallv Int32 from rank \(source) (\(policy))")
            }
            let doubles = comm.alltoallv((0..<size).map { doubleContent(rank, $0) })
            for (source, buffer) in doubles.enumerated() {
                verify.expectEqual(buffer, doubleContent(source, rank), "alltoallv Double from rank \(source) (\(policy))")
            }
        }
        return "Int32 buffers of (3s+d)%4(+2) elements (empty to self when 0) and Double buffers of 1000+17s+d elements"
    }

    // MARK: - Combining

    /// Makes `ok` agree on all ranks (allreduce min of the pass flags) and gives rank 0 the failing ranks' messages.
    private func combine(_ local: [SelfTestCheck]) -> SelfTestReport {
        var flags = local.map { UInt8($0.ok ? 1 : 0) }
        communicator.allreduce(&flags, .min)
        var checks = local
        for index in checks.indices { checks[index].ok = flags[index] == 1 }
        let failureText = local.enumerated().filter { !$0.element.ok }
            .map { "\($0.offset)\t\($0.element.detail.split(separator: "\n").joined(separator: " "))" }
            .joined(separator: "\n")
        if rank == 0 {
            var failures: [Int: [String]] = [:]
            for line in failureText.split(separator: "\n") { record(line, from: 0, into: &failures) }
            for source in 1..<max(size, 1) {
                let text = String(decoding: communicator.recv(UInt8.self, from: source, tag: Self.detailTag).values,
                                  as: UTF8.self)
                for line in text.split(separator: "\n") { record(line, from: source, into: &failures) }
            }
            for (index, messages) in failures { checks[index].detail = messages.joined(separator: "\n") }
        } else {
            communicator.send(Array(failureText.utf8), to: 0, tag: Self.detailTag)
        }
        return SelfTestReport(ok: checks.allSatisfy(\.ok), size: size, checks: checks)
    }

    private func record(_ line: Substring, from source: Int, into failures: inout [Int: [String]]) {
        let parts = line.split(separator: "\t", maxSplits: 1)
        guard parts.count == 2, let index = Int(parts[0]) else { return }
        failures[index, default: []].append("rank \(source): \(parts[1])")
    }
}
