extension SelftestSpec {
    /// Keys of a `selftest` job besides the common ones.
    static let keys = ["tasks", "slices_per_task", "compute_iterations", "payload_bytes", "fail_task", "crash_task",
                       "crash_on_attempt"]

    /// Reads the selftest keys of `m`.
    init(reading m: SpecMapping) throws(JobSpecError) {
        let tasks = try m.required("tasks", "the number of tasks (1…\(SelftestSpec.maxTasks))").int(in: 1...SelftestSpec.maxTasks)
        let payloadBytes = try m.int("payload_bytes", default: 0, in: 0...SelftestSpec.maxPayloadBytes)
        if let payload = m.optional("payload_bytes"), tasks * payloadBytes > SelftestSpec.maxTotalPayloadBytes {
            throw payload.error(.outOfRange, "\(tasks) tasks × \(payloadBytes) bytes exceed \(SelftestSpec.maxTotalPayloadBytes) bytes in one job")
        }
        let crashTask = try m.optional("crash_task")?.int(in: 0...(tasks - 1))
        if crashTask == nil, let attempt = m.optional("crash_on_attempt") {
            throw attempt.error(.invalidValue, "crash_on_attempt applies to crash_task: add crash_task or remove this key")
        }
        self.init(
            tasks: tasks,
            slicesPerTask: try m.int("slices_per_task", default: 1, in: 0...4096),
            computeIterations: try m.int("compute_iterations", default: 0, in: 0...1_000_000),
            payloadBytes: payloadBytes,
            failTask: try m.optional("fail_task")?.int(in: 0...(tasks - 1)),
            crashTask: crashTask,
            crashOnAttempt: try m.int("crash_on_attempt", default: 1, in: 1...100))
    }

    /// Writes the selftest keys at the writer's current indentation.
    func write(to w: inout YAMLWriter) {
        w.line("tasks", String(tasks))
        w.line("slices_per_task", String(slicesPerTask))
        w.line("compute_iterations", String(computeIterations))
        w.line("payload_bytes", String(payloadBytes))
        if let failTask { w.line("fail_task", String(failTask)) }
        if let crashTask {
            w.line("crash_task", String(crashTask))
            w.line("crash_on_attempt", String(crashOnAttempt))
        }
    }
}
