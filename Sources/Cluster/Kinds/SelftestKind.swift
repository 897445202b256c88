import Jobs
import Store

/// The `selftest` job kind: the scheduler's diagnostic workload (see `SelftestSpec` and docs/job-spec.md).
///
/// One phase of `tasks` tasks; task i works on z-slab i mod S of the case's CT (S = ⌈nz / slices_per_task⌉,
/// none for empty tasks): FNV-1a 64 checksum, `compute_iterations` stencil sweeps, and the job's payload
/// bytes carried there and echoed back (the coordinator checks the echo). The result holds
/// `/selftest/checksums` (int64 bit patterns of the UInt64 checksums), `/selftest/stencil_sums` (float64) and
/// the combined checksum as the attribute `selftest_combined_checksum` (16 hex digits): identical for any
/// rank count. `fail_task` throws in that task; `crash_task` aborts the MPI world from the rank that runs it,
/// on attempt `crash_on_attempt` only, so the next run's retry can succeed.
public struct SelftestKind: JobKindPlugin {
    public let name = "selftest"

    public init() {}

    public func start(_ job: JobContext) throws -> any JobRun {
        let spec = try JobSpec.parse(yaml: job.job.spec)
        guard case .selftest(let selftest) = spec.work else {
            throw SelftestError("the spec of a selftest job describes a \(spec.kind.rawValue) job")
        }
        let ct = try CaseFile.read(path: job.caseFilePath).ct
        return SelftestRun(ct: ct, spec: selftest, seed: spec.seed, attempt: job.job.attempts)
    }

    public func execute(phase: Int, input: TaskPayload) throws -> TaskPayload {
        let task = try SelftestTask(decoding: input)
        switch task.injection {
        case .crash:
            MPIEnvironment.fatal("selftest: injected rank crash in task \(task.index) (crash_task)")
        case .failure:
            throw SelftestError("selftest: injected failure in task \(task.index) (fail_task)")
        case nil:
            break
        }
        return SelftestTask.result(
            checksum: SelftestWorkload.checksum(task: task.index, voxels: task.voxels),
            stencilSum: SelftestWorkload.stencilSum(voxels: task.voxels, iterations: task.iterations),
            payload: task.payload)
    }
}

/// An input or result problem of a selftest job.
struct SelftestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
