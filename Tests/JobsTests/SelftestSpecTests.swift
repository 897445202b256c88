import Testing
@testable import Jobs

/// The `selftest` kind in the spec format: defaults, ranges tied to the task count, the crash attempt rule,
/// the canonical round trip and keys of other kinds.
struct SelftestSpecTests {
    @Test func defaultsAndCanonicalRoundTrip() throws {
        let spec = try JobSpec.parse(yaml: "kind: selftest\ntasks: 20\n")
        #expect(spec.kind == .selftest)
        #expect(spec.work == .selftest(SelftestSpec(tasks: 20, slicesPerTask: 1, computeIterations: 0, payloadBytes: 0)))
        let full = try JobSpec.parse(yaml: """
            kind: selftest
            tasks: 100000
            slices_per_task: 0
            compute_iterations: 5
            payload_bytes: 1024
            fail_task: 99999
            crash_task: 0
            crash_on_attempt: 2
            """)
        #expect(full.work == .selftest(SelftestSpec(tasks: 100_000, slicesPerTask: 0, computeIterations: 5, payloadBytes: 1024,
                                                    failTask: 99_999, crashTask: 0, crashOnAttempt: 2)))
        for parsed in [spec, full] {
            let canonical = parsed.canonicalYAML()
            #expect(try JobSpec.parse(yaml: canonical) == parsed)
            #expect(try JobSpec.parse(yaml: canonical).canonicalYAML() == canonical)
        }
        #expect(!spec.canonicalYAML().contains("crash_on_attempt"), "written only with crash_task")
    }

    @Test(arguments: [
        ("tasks: 0", "tasks", JobSpecError.Reason.outOfRange),
        ("tasks: 100001", "tasks", .outOfRange),
        ("tasks: 2.5", "tasks", .wrongType),
        ("slices_per_task: 1", "tasks", .missingKey),
        ("tasks: 10\nfail_task: 10", "fail_task", .outOfRange),
        ("tasks: 10\ncrash_task: -1", "crash_task", .outOfRange),
        ("tasks: 10\ncrash_on_attempt: 2", "crash_on_attempt", .invalidValue),
        ("tasks: 10\ncrash_task: 3\ncrash_on_attempt: 0", "crash_on_attempt", .outOfRange),
        ("tasks: 10\npayload_bytes: 16777217", "payload_bytes", .outOfRange),
        ("tasks: 65\npayload_bytes: 16777216", "payload_bytes", .outOfRange),
        ("tasks: 10\ncompute_iterations: 1000001", "compute_iterations", .outOfRange),
        ("tasks: 10\nstructures: [body]", "structures", .unknownKey),
    ])
    func rejectsWithTheKeyPath(body: String, keyPath: String, reason: JobSpecError.Reason) {
        let error = #expect(throws: JobSpecError.self) { try JobSpec.parse(yaml: "kind: selftest\n" + body + "\n") }
        #expect(error?.keyPath == keyPath, "\(body): \(String(describing: error))")
        #expect(error?.reason == reason, "\(body): \(String(describing: error))")
    }

    @Test func selftestKeysInAnotherKindSayWhereTheyBelong() {
        let error = #expect(throws: JobSpecError.self) { try JobSpec.parse(yaml: "kind: segment\nstructures: [body]\ntasks: 5\n") }
        #expect(error?.message.contains("belongs to selftest jobs") == true, "\(String(describing: error))")
    }

    @Test func largestTotalPayloadIsAccepted() throws {
        let spec = try JobSpec.parse(yaml: "kind: selftest\ntasks: 64\npayload_bytes: 16777216\n")
        guard case .selftest(let s) = spec.work else { Issue.record("kind is \(spec.kind)"); return }
        #expect(s.tasks * s.payloadBytes == SelftestSpec.maxTotalPayloadBytes)
    }
}
