import Core
import Foundation
import Jobs
import Registry
import Store
import Testing
@testable import Cluster

/// The `selftest` kind through the in-process coordinator (a 4×3×20 CT), against checksums computed directly
/// with `SelftestWorkload` over the expected slabs.
@Suite struct SelftestKindTests {
    static let ct: CTVolume = {
        let grid = try! Grid(nx: 4, ny: 3, nz: 20, spacingMM: SIMD3(1, 1, 2.5))
        return try! CTVolume(grid: grid, voxels: (0..<grid.voxelCount).map { Int16(($0 * 37) % 2000 - 1000) })
    }()

    static func fixture() throws -> SchedulerFixture { try SchedulerFixture(cases: ["case-a": CaseFile(ct: ct)]) }

    /// Expected per-task checksums and stencil sums: task i on slab i mod S of `slices` slices each.
    static func expected(tasks: Int, slices: Int, iterations: Int) -> (checksums: [UInt64], sums: [Double]) {
        let slabs = slices == 0 ? [] : stride(from: 0, to: 20, by: slices).map { ct.slab($0..<min($0 + slices, 20)).voxels }
        let voxels = (0..<tasks).map { slabs.isEmpty ? [] : slabs[$0 % slabs.count] }
        return (voxels.enumerated().map { SelftestWorkload.checksum(task: $0.offset, voxels: $0.element) },
                voxels.map { SelftestWorkload.stencilSum(voxels: $0, iterations: iterations) })
    }

    @Test func jobResultMatchesDirectComputationInAnyCompletionOrder() throws {
        let fixture = try Self.fixture()
        let spec = "kind: selftest\nseed: 9\ntasks: 7\nslices_per_task: 8\ncompute_iterations: 3\npayload_bytes: 100\n"
        let first = try fixture.submit(spec, kind: "selftest")
        try fixture.drain(kind: SelftestKind(), slots: 1)
        let second = try fixture.submit(spec, kind: "selftest")
        try fixture.drain(kind: SelftestKind(), slots: 3, completion: .newestFirst)
        let (checksums, sums) = Self.expected(tasks: 7, slices: 8, iterations: 3)
        let combined = String(format: "%016llx", SelftestWorkload.combined(checksums: checksums, stencilSums: sums))
        for job in [first, second] {
            #expect(try fixture.registry.job(id: job).state == .succeeded)
            let file = try ResultFile.read(path: fixture.resultURL(job).path)
            #expect(file.arrays["/selftest/checksums"]?.values == .int64(checksums.map { Int64(bitPattern: $0) }))
            #expect(file.arrays["/selftest/stencil_sums"]?.values == .float64(sums))
            #expect(file.attributes["selftest_combined_checksum"] == .string(combined))
            #expect(file.attributes["selftest_slabs"] == .int(3))
            #expect(file.arrays["/timings/tasks"]?.shape == [7, TaskTiming.columns.count])
        }
    }

    @Test func emptyTasksChecksumTheirIndexOnly() throws {
        let fixture = try Self.fixture()
        let job = try fixture.submit("kind: selftest\ntasks: 50\nslices_per_task: 0\ncompute_iterations: 10\n", kind: "selftest")
        try fixture.drain(kind: SelftestKind(), slots: 2)
        let file = try ResultFile.read(path: fixture.resultURL(job).path)
        #expect(file.arrays["/selftest/checksums"]?.values == .int64((0..<50).map { Int64(bitPattern: SelftestWorkload.checksum(task: $0, voxels: [])) }))
        #expect(file.arrays["/selftest/stencil_sums"]?.values == .float64(Array(repeating: 0, count: 50)))
    }

    @Test func failTaskFailsOnlyItsJobNamingTheTask() throws {
        let fixture = try Self.fixture()
        let failing = try fixture.submit("kind: selftest\ntasks: 10\nfail_task: 6\n", kind: "selftest")
        let fine = try fixture.submit("kind: selftest\ntasks: 10\n", kind: "selftest")
        try fixture.drain(kind: SelftestKind(), slots: 2)
        let record = try fixture.registry.job(id: failing)
        #expect(record.state == .failed)
        #expect(record.error?.contains("task 6 of phase 0 failed on rank 0: selftest: injected failure in task 6 (fail_task)") == true,
                "\(record.error ?? "")")
        #expect(try fixture.registry.job(id: fine).state == .succeeded)
        #expect(!FileManager.default.fileExists(atPath: fixture.resultURL(failing).path))
    }

    /// The crash is put into task `crash_task` on attempt `crash_on_attempt` only (running it would abort this
    /// process: the crash itself is tested under mpirun).
    @Test func crashIsInjectedOnTheChosenAttemptOnly() throws {
        let spec = SelftestSpec(tasks: 12, crashTask: 10, crashOnAttempt: 2)
        for attempt in 1...3 {
            guard case .tasks(let tasks) = try SelftestRun(ct: Self.ct, spec: spec, seed: 1, attempt: attempt).firstStep() else {
                Issue.record("no tasks"); return
            }
            let injected = tasks.indices.filter { tasks[$0]["inject"] != nil }
            #expect(injected == (attempt == 2 ? [10] : []), "attempt \(attempt)")
            if attempt == 2 { #expect(try tasks[10].text("inject") == "crash") }
        }
    }

    @Test func alteredEchoFailsTheJobNamingTheTask() throws {
        let run = SelftestRun(ct: Self.ct, spec: SelftestSpec(tasks: 3, payloadBytes: 16), seed: 4, attempt: 1)
        guard case .tasks(let tasks) = try run.firstStep() else { Issue.record("no tasks"); return }
        var results = try tasks.map { try SelftestKind().execute(phase: 0, input: $0) }
        var altered = try results[1].uint8s("payload")
        altered[5] ^= 1
        results[1]["payload"] = .uint8(altered)
        let error = #expect(throws: SelftestError.self) { try run.nextStep(after: results) }
        #expect(error?.description.contains("task 1 came back altered") == true)
    }

    @Test func undecodableTaskIsRejected() {
        #expect(throws: WireError.self) { try SelftestKind().execute(phase: 0, input: TaskPayload(["task": .int64([1])])) }
        let unknown = TaskPayload(["task": .int64([1]), "iterations": .int64([0]), "slab": .int16([]), "payload": .uint8([]),
                                   "inject": .text("explode")])
        #expect(throws: WireError.self) { try SelftestKind().execute(phase: 0, input: unknown) }
    }
}
