import Foundation
import Store
@testable import Cluster

/// A test double whose work is all on the coordinator: `setup-steps` steps of `step-ms` in `start` (each followed by
/// the job's cancellation check, like a kind's long set-up loop), then `phases` empty phases whose `nextStep` sleeps
/// `step-ms` and checks nothing itself (only the coordinator's check between stages can stop them), then a result.
/// `onStep` sees every set-up step and phase (`phase` −1 for the set-up) and may act, e.g. cancel the job.
struct SlowCoordinatorKind: JobKindPlugin {
    var name = "slow-coordinator"
    var onStep: @Sendable (_ jobID: Int64, _ phase: Int, _ step: Int) -> Void = { _, _, _ in }

    func start(_ job: JobContext) throws -> any JobRun {
        let settings = try CountingKind.settings(job.job.spec)
        let stepMicroseconds = UInt32(settings["step-ms"] ?? "0").map { $0 * 1000 } ?? 0
        for step in 0..<(Int(settings["setup-steps"] ?? "0") ?? 0) {
            onStep(job.job.id, -1, step)
            usleep(stepMicroseconds)
            try job.cancellation.check()
        }
        return SlowCoordinatorRun(jobID: job.job.id, phases: Int(settings["phases"] ?? "0") ?? 0, stepMicroseconds: stepMicroseconds, onStep: onStep)
    }

    func execute(phase: Int, input: TaskPayload) throws -> TaskPayload { TaskPayload([:]) }
}

final class SlowCoordinatorRun: JobRun {
    let jobID: Int64, phases: Int, stepMicroseconds: UInt32
    let onStep: @Sendable (Int64, Int, Int) -> Void
    private var phase = 0

    init(jobID: Int64, phases: Int, stepMicroseconds: UInt32, onStep: @escaping @Sendable (Int64, Int, Int) -> Void) {
        (self.jobID, self.phases, self.stepMicroseconds, self.onStep) = (jobID, phases, stepMicroseconds, onStep)
    }

    func firstStep() throws -> JobStep { .tasks([]) }

    func nextStep(after results: [TaskPayload]) throws -> JobStep {
        onStep(jobID, phase, 0)
        usleep(stepMicroseconds)
        phase += 1
        guard phase >= phases else { return .tasks([]) }
        return .finished(JobOutcome(result: ResultFile(arrays: ["/slow/phases": ResultArray(.int64([Int64(phases)]))]), summary: "\(phases) phases"))
    }
}
