import Foundation
import Store
@testable import Cluster

/// The job-kind test double: `phases` phases of `tasks` tasks each. A task of phase p returns
/// `checksum(previous phase results) * 31 + index` (plus its own input), so the final values depend on every
/// result being merged in task order. The spec text is `key=value` words: `phases=3 tasks=5 sleep-ms=2 fail=1.2`
/// (task 2 of phase 1 throws). `onExecute` lets a test act while a task runs (cancel a job, inspect leases).
struct CountingKind: JobKindPlugin {
    var name = "counting"
    var onExecute: @Sendable (_ jobID: Int64, _ phase: Int, _ index: Int) -> Void = { _, _, _ in }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The `key=value` words of a test-double spec.
    static func settings(_ spec: String) throws -> [String: String] {
        var settings: [String: String] = [:]
        for word in spec.split(separator: " ") {
            let parts = word.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw Failure(description: "bad spec word \(word)") }
            settings[parts[0]] = parts[1]
        }
        return settings
    }

    func start(_ job: JobContext) throws -> any JobRun {
        let settings = try Self.settings(job.job.spec)
        return CountingRun(jobID: job.job.id, phases: Int(settings["phases"] ?? "1") ?? 1, tasks: Int(settings["tasks"] ?? "1") ?? 1,
                           sleepMilliseconds: Int(settings["sleep-ms"] ?? "0") ?? 0, fail: settings["fail"] ?? "")
    }

    func execute(phase: Int, input: TaskPayload) throws -> TaskPayload {
        let values = try input.int64s("values")
        let index = Int(try input.int64("index"))
        onExecute(try input.int64("job"), phase, index)
        if try input.text("fail") == "\(phase).\(index)" {
            throw Failure(description: "injected failure in task \(index) of phase \(phase)")
        }
        let sleep = try input.int64("sleep-ms")
        if sleep > 0 { usleep(UInt32(sleep) * 1000) }
        let checksum = values.reduce(Int64(7)) { $0 &* 1_000_003 &+ $1 }
        return TaskPayload(["value": .int64([checksum &* 31 &+ Int64(index)])])
    }
}

/// The coordinator-side run of `CountingKind`.
final class CountingRun: JobRun {
    let jobID: Int64, phases: Int, tasks: Int, sleepMilliseconds: Int, fail: String
    private var phase = 0
    private var history: [Int64] = []

    init(jobID: Int64, phases: Int, tasks: Int, sleepMilliseconds: Int, fail: String) {
        (self.jobID, self.phases, self.tasks, self.sleepMilliseconds, self.fail) = (jobID, phases, tasks, sleepMilliseconds, fail)
    }

    func firstStep() throws -> JobStep { .tasks(makeTasks(previous: [])) }

    func nextStep(after results: [TaskPayload]) throws -> JobStep {
        let values = try results.map { try $0.int64s("value")[0] }
        history += values
        phase += 1
        guard phase == phases else { return .tasks(makeTasks(previous: values)) }
        let result = ResultFile(arrays: ["/counting/values": ResultArray(.int64(history))], attributes: ["phases": .int(phases)])
        return .finished(JobOutcome(result: result, summary: "\(phases) phases of \(tasks) tasks"))
    }

    private func makeTasks(previous: [Int64]) -> [TaskPayload] {
        (0..<tasks).map { index in
            TaskPayload(["values": .int64(previous), "index": .int64([Int64(index)]), "job": .int64([jobID]),
                         "sleep-ms": .int64([Int64(sleepMilliseconds)]), "fail": .text(fail)])
        }
    }
}
