import Core
import Foundation
import Jobs
import Store

/// The coordinator side of a `selftest` job: builds the tasks from the CT's slabs, then checks the echoed
/// payloads and assembles the checksums into the result.
final class SelftestRun: JobRun {
    private let spec: SelftestSpec
    private let slabs: [[Int16]]
    private let payload: [UInt8]
    private let injectCrash: Bool

    /// A run of `spec` over `ct`; `attempt` (1-based) decides whether `crash_task` crashes this time.
    init(ct: CTVolume, spec: SelftestSpec, seed: UInt64, attempt: Int) {
        self.spec = spec
        slabs = Self.slabs(of: ct, slicesPerSlab: spec.slicesPerTask)
        payload = SelftestWorkload.payload(count: spec.payloadBytes, seed: seed)
        injectCrash = spec.crashTask != nil && attempt == spec.crashOnAttempt
    }

    /// The voxels of consecutive z-slabs of `slicesPerSlab` slices (the last may be thinner); none for 0.
    static func slabs(of ct: CTVolume, slicesPerSlab: Int) -> [[Int16]] {
        guard slicesPerSlab > 0 else { return [] }
        return stride(from: 0, to: ct.grid.nz, by: slicesPerSlab).map { z in
            ct.slab(z..<min(z + slicesPerSlab, ct.grid.nz)).voxels
        }
    }

    func firstStep() throws -> JobStep {
        .tasks((0..<spec.tasks).map { index in
            var injection: SelftestTask.Injection?
            if index == spec.failTask { injection = .failure }
            if index == spec.crashTask && injectCrash { injection = .crash }
            return SelftestTask(index: index, voxels: slabs.isEmpty ? [] : slabs[index % slabs.count],
                                iterations: spec.computeIterations, payload: payload, injection: injection).encoded
        })
    }

    func nextStep(after results: [TaskPayload]) throws -> JobStep {
        guard results.count == spec.tasks else { throw SelftestError("\(results.count) results for \(spec.tasks) tasks") }
        var checksums: [UInt64] = []
        var stencilSums: [Double] = []
        checksums.reserveCapacity(results.count)
        stencilSums.reserveCapacity(results.count)
        for (index, output) in results.enumerated() {
            let result = try SelftestTask.decodeResult(output)
            guard result.payload == payload else {
                throw SelftestError("the payload of task \(index) came back altered (\(result.payload.count) bytes, \(payload.count) sent)")
            }
            checksums.append(result.checksum)
            stencilSums.append(result.stencilSum)
        }
        let combined = SelftestWorkload.combined(checksums: checksums, stencilSums: stencilSums)
        let combinedHex = String(format: "%016llx", combined)
        let result = ResultFile(
            arrays: ["/selftest/checksums": ResultArray(.int64(checksums.map { Int64(bitPattern: $0) })),
                     "/selftest/stencil_sums": ResultArray(.float64(stencilSums))],
            attributes: ["selftest_combined_checksum": .string(combinedHex), "selftest_tasks": .int(spec.tasks),
                         "selftest_slabs": .int(slabs.count), "selftest_compute_iterations": .int(spec.computeIterations),
                         "selftest_payload_bytes": .int(spec.payloadBytes)])
        return .finished(JobOutcome(result: result, summary: "\(spec.tasks) selftest tasks over \(slabs.count) slabs, combined checksum \(combinedHex)"))
    }
}
