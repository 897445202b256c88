import Core
import Foundation
import Jobs
import Phantoms
import Segmentation
import Store
import Testing
@testable import Cluster

/// The `segment` kind adapter: explicit slab messages and a whole job through the coordinator, compared with the
/// Segmentation module's in-process driver (64×64×40 thorax phantom).
@Suite struct SegmentKindTests {
    static let phantom = try! PhantomFactory.thorax(seed: 3, size: .small)
    static let spec = "kind: segment\nstructures: [body, lung_left, lung_right, trachea, bones, spinal_canal]\nbone_threshold_hu: 260\n"

    @Test func slabMessagesRoundTripExactly() throws {
        let request = SegmentationRequest()
        let pipeline = try SegmentationPipeline(request: request, grid: Self.phantom.grid)
        var state = SegmentationState(ct: Self.phantom.ct)
        guard case .local(let step) = try #require(pipeline.steps.first) else { Issue.record("first step is not local"); return }
        let split = try SlabDecomposition(nz: Self.phantom.grid.nz, parts: 3, halo: pipeline.haloSlices(forStep: step))
        let input = try pipeline.slabInput(step: step, slab: split.slabs[1], state: state)
        let sentInput = try ClusterMessage.decode(ClusterMessage.task(address: TaskAddress(jobID: 1, phase: 0, index: 1), kind: "segment",
                                                                      input: SegmentationMessages.encode(input)).encoded())
        guard case .task(_, _, let payload) = sentInput else { Issue.record("not a task"); return }
        let decoded = try SegmentationMessages.decodeInput(payload)
        #expect(decoded.input == input && decoded.casePath == nil)
        let output = try SegmentationPipeline.runLocal(step: step, input: input)
        #expect(try SegmentationMessages.decodeOutput(SegmentationMessages.encode(output)) == output)
        // A whole step through the messages absorbs like the direct outputs.
        let outputs = try split.slabs.map { slab in
            try SegmentationMessages.decodeOutput(SegmentKind().execute(phase: 0, input: SegmentationMessages.encode(pipeline.slabInput(step: step, slab: slab, state: state))))
        }
        try pipeline.absorb(step: step, outputs: outputs, into: &state)
    }

    /// A task without CT names the case file; the worker reads its slices there and runs to the output of the
    /// task that carried them, plus the slice work it was asked for.
    @Test func slabTasksWithoutCTReadTheCaseFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("segment-ctless-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("case.h5").path
        try CaseFile(ct: Self.phantom.ct).write(to: path)
        let pipeline = try SegmentationPipeline(request: SegmentationRequest(), grid: Self.phantom.grid)
        let split = try SlabDecomposition(nz: Self.phantom.grid.nz, parts: 3, halo: pipeline.haloSlices(forStep: .bodyCandidates))
        for slab in split.slabs {
            var input = try pipeline.slabInput(step: .bodyCandidates, slab: slab, state: SegmentationState())
            input.reportsSliceWork = true
            let payload = SegmentationMessages.encode(input, casePath: path)
            #expect(payload["ct"] == nil)
            let decoded = try SegmentationMessages.decodeInput(payload)
            #expect(decoded.input == input && decoded.casePath == path)
            let output = try SegmentationMessages.decodeOutput(SegmentKind().execute(phase: 0, input: payload))
            #expect(output.sliceWork == Array(pipeline.sliceWork(Self.phantom.ct)[slab.core]))
            let carried = try pipeline.slabInput(step: .bodyCandidates, slab: slab, state: SegmentationState(ct: Self.phantom.ct))
            var expected = try SegmentationMessages.decodeOutput(SegmentKind().execute(phase: 0, input: SegmentationMessages.encode(carried)))
            #expect(expected.sliceWork.isEmpty)
            expected.sliceWork = output.sliceWork
            #expect(output == expected, "slab \(slab.index)")
        }
        // Neither CT nor case file: refused.
        var bare = SegmentationMessages.encode(try pipeline.slabInput(step: .bodyCandidates, slab: split.slabs[0], state: SegmentationState()))
        #expect(throws: WireError.self) { try SegmentationMessages.decodeInput(bare) }
        bare["ct.case"] = .text(dir.appendingPathComponent("absent.h5").path)
        #expect(throws: (any Error).self) { try SegmentKind().execute(phase: 0, input: bare) }
    }

    /// The worker's CT slices: equal to the case file's, read once (only missing slices, widening the range when they
    /// touch it), read again when the file is replaced.
    @Test func workerSlabCacheReadsOnlyMissingSlices() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("segment-slabcache-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("case.h5").path
        let ct = Self.phantom.ct
        try CaseFile(ct: ct).write(to: path)
        let cache = WorkerCTSlabCache()
        func expectSlices(_ range: Range<Int>, read: Int, of volume: CTVolume = ct, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let before = cache.slicesRead
            #expect(try cache.slices(path: path, range) == volume.slab(range), "\(range)", sourceLocation: sourceLocation)
            #expect(cache.slicesRead - before == read, "slices read for \(range)", sourceLocation: sourceLocation)
        }
        try expectSlices(0..<20, read: 20)
        try expectSlices(5..<15, read: 0)
        try expectSlices(0..<20, read: 0)
        try expectSlices(15..<30, read: 10)  // widened to 0..<30
        try expectSlices(0..<30, read: 0)
        try expectSlices(30..<40, read: 10)  // touches: widened to 0..<40
        try expectSlices(0..<40, read: 0)
        #expect(throws: (any Error).self) { try cache.slices(path: path, 35..<41) }
        // A new file at the same path (written by an atomic rename) is read again.
        var changed = ct
        for z in 0..<ct.grid.nz { changed[z % ct.grid.nx, 7, z] = ct[z % ct.grid.nx, 7, z] &+ 1 }
        try CaseFile(ct: changed).write(to: path)
        try expectSlices(10..<12, read: 2, of: changed)
        try expectSlices(12..<13, read: 1, of: changed)
        try expectSlices(20..<25, read: 5, of: changed)  // a gap: read alone
        // A file replaced while the cache widens its range (its held slices are the old file's, the new ones would
        // be the new file's): an error, nothing mixed is kept, and the next request reads the new file afresh.
        try CaseFile(ct: ct).write(to: path)
        final class Trigger: @unchecked Sendable {
            let lock = NSLock(); var armed = false
            func fire() -> Bool { lock.withLock { defer { armed = false }; return armed } }
        }
        let trigger = Trigger(), replacement = changed
        let racing = WorkerCTSlabCache(read: { path, range in
            if trigger.fire() { try CaseFile(ct: replacement).write(to: path) }
            return try CaseFile.readCTSlab(path: path, zRange: range)
        })
        #expect(try racing.slices(path: path, 0..<4) == ct.slab(0..<4))
        trigger.lock.withLock { trigger.armed = true }
        let error = #expect(throws: StoreError.self) { try racing.slices(path: path, 4..<8) }
        #expect("\(error.map { $0 as Any } ?? "")".contains("changed while its slices 4..<8 were read"))
        let before = racing.slicesRead
        #expect(try racing.slices(path: path, 0..<8) == changed.slab(0..<8))
        #expect(racing.slicesRead - before == 8)
    }

    /// Workers that can open the case file get its path and read their CT slices (the coordinator reads only the
    /// geometry); others (another node) get the CT in the tasks. Both runs give the in-process driver's result.
    @Test func segmentTasksCarryTheCTUnlessWorkersReadTheCaseFile() throws {
        let fixture = try SchedulerFixture(cases: ["case-a": CaseFile(ct: Self.phantom.ct)])
        let caseURL = fixture.caseURL("case-a")
        let record = try fixture.registry.job(id: try fixture.submit(Self.spec, kind: "segment"))
        guard case .segment(let spec) = try JobSpec.parse(yaml: Self.spec).work else { return }
        let expected = try SegmentationPipeline.run(ct: Self.phantom.ct, request: SegmentKind.request(from: spec), slabCount: 1)
        for readsFile in [false, true] {
            let run = try SegmentKind().start(JobContext(job: record, caseFilePath: caseURL.path, ranks: 3, workersReadCaseFile: readsFile))
            var step = try run.firstStep()
            var phases = 0
            while case .tasks(let tasks) = step {
                #expect(tasks.count == 2 && tasks.allSatisfy { ($0["ct"] != nil) != readsFile && ($0["ct.case"] != nil) == readsFile },
                        "phase \(phases), workers read the file: \(readsFile)")
                step = try run.nextStep(after: tasks.map { try SegmentKind().execute(phase: phases, input: $0) })
                phases += 1
            }
            guard case .finished(let outcome) = step else { Issue.record("no result"); return }
            #expect(phases == 4)
            // The masks and the label map stay on the body box (a box smaller than the slice for this phantom).
            #expect(outcome.result.segmentation.isEmpty && outcome.result.labelMap == nil)
            #expect(outcome.result.boxedLabelMap.map { $0.boxSliceCount < $0.grid.sliceCount } == true)
            let placed = outcome.result.placingBoxedSegmentation(threads: 2)
            #expect(placed.segmentation.keys.sorted() == expected.masks.keys.sorted())
            for (name, mask) in expected.masks { #expect(placed.segmentation[name] == mask, "\(name), workers read the file: \(readsFile)") }
            #expect(placed.labelMap == expected.labels)
        }
    }

    /// Masks as bits and label maps in the narrowest integer type: exact for every length (also not a multiple of 8)
    /// and range; class maps (values above 1) and negative labels keep their full form.
    @Test func compactVolumesRoundTripExactly() throws {
        var rng = RandomStream(seed: 5)
        for (nx, ny, nz) in [(1, 1, 1), (3, 5, 7), (8, 8, 2), (17, 3, 5)] {
            let grid = try Grid(nx: nx, ny: ny, nz: nz, spacingMM: SIMD3(1, 2, 3))
            let n = grid.voxelCount
            let mask = try MaskVolume(grid: grid, voxels: (0..<n).map { _ in rng.uniform() < 0.4 ? 1 : 0 })
            let classes = try MaskVolume(grid: grid, voxels: (0..<n).map { i in i == n / 2 ? 2 : UInt8(rng.uniform() < 0.5 ? 1 : 0) })
            var payload = TaskPayload()
            CompactVolumes.setMask(mask, as: "m", in: &payload)
            CompactVolumes.setMask(classes, as: "c", in: &payload)
            #expect(try payload.uint8s("m").count == (n + 7) / 8 && payload["c.bits"] == nil)
            for (largest, type) in [(Int32(0), "uint8"), (255, "uint8"), (256, "int16"), (32767, "int16"), (32768, "int32"), (-1, "int32")] {
                let labels = try LabelVolume(grid: grid, voxels: (0..<n).map { i in i == n - 1 ? largest : Int32(rng.uniform() * 3) })
                CompactVolumes.setLabels(labels, as: "l", in: &payload)
                #expect(payload["l"]?.typeName == type, "largest \(largest)")
                let back = try ClusterMessage.decode(ClusterMessage.task(address: TaskAddress(jobID: 1, phase: 0, index: 0), kind: "segment",
                                                                         input: payload).encoded())
                guard case .task(_, _, let received) = back else { Issue.record("not a task"); return }
                #expect(try CompactVolumes.labels("l", in: received) == labels, "largest \(largest)")
                #expect(try CompactVolumes.mask("m", in: received) == mask && CompactVolumes.mask("c", in: received) == classes)
            }
        }
        #expect(CompactVolumes.packBits([0, 1, 1, 0, 0, 0, 0, 1, 1]) == [0b1000_0110, 1])
        #expect(CompactVolumes.packBits([0, 1, 3]) == nil)
        #expect(throws: WireError.self) { try CompactVolumes.unpackBits([1, 2], count: 17, field: "x") }
    }

    /// Slab counts: powers of two with at most 15 % halo slices, cores of at least 8 slices, 2…32 slabs.
    @Test func slabCountKeepsHaloOverheadSmall() {
        #expect(SegmentKind.slabCount(nz: 160, halo: 6) == 2)  // 4 slabs: 36 halo slices > 24 (15 % of 160)
        #expect(SegmentKind.slabCount(nz: 160, halo: 1) == 8)  // 16 slabs: 30 halo slices > 24
        #expect(SegmentKind.slabCount(nz: 160, halo: 0) == 16)  // 32 slabs would have 5-slice cores
        #expect(SegmentKind.slabCount(nz: 1000, halo: 0) == 32)
        #expect(SegmentKind.slabCount(nz: 160, halo: 40) == 2 && SegmentKind.slabCount(nz: 10, halo: 3) == 2)
        #expect(SegmentKind.slabCount(nz: 1, halo: 0) == 1)
        for nz in 1...300 {
            for halo in 0...12 {
                let n = SegmentKind.slabCount(nz: nz, halo: halo)
                #expect(n.nonzeroBitCount == 1 && n <= 32 && (n <= 2 || 2 * halo * (n - 1) * 100 <= 15 * nz && nz / n >= 8))
            }
        }
    }

    @Test func specMapsOntoTheRequest() throws {
        guard case .segment(let spec) = try JobSpec.parse(yaml: Self.spec).work else { Issue.record("not a segment spec"); return }
        let request = try SegmentKind.request(from: spec)
        #expect(request.structures == [.body, .lungLeft, .lungRight, .trachea, .bones, .spinalCanal])
        #expect(request.boneThresholdHU == 260 && request.bodyThresholdHU == -350 && request.lungThresholdHU == -500)
    }

    @Test func segmentJobMatchesTheInProcessDriver() throws {
        let fixture = try SchedulerFixture(cases: ["case-a": CaseFile(ct: Self.phantom.ct)])
        let caseURL = fixture.caseURL("case-a")
        let job = try fixture.submit(Self.spec, kind: "segment")
        try FileManager.default.removeItem(at: fixture.caseURL("case-b"))
        let broken = try fixture.submit(Self.spec, kind: "segment", caseID: "case-b")  // case-b has no case file
        try fixture.drain(kind: SegmentKind(), slots: 3, completion: .newestFirst)
        let record = try fixture.registry.job(id: job)
        #expect(record.state == .succeeded, "\(record.error ?? "")")
        guard case .segment(let spec) = try JobSpec.parse(yaml: Self.spec).work else { return }
        let slabs = SegmentKind.slabCount(pipeline: try SegmentationPipeline(request: SegmentKind.request(from: spec), grid: Self.phantom.grid),
                                          haloMM: spec.haloMM)
        #expect(slabs == 2, "the 40-slice phantom runs in 2 slabs (a split that must reproduce the single-volume run)")
        #expect(record.progressTotal == record.progressDone && record.progressDone >= 4 * slabs)
        let brokenRecord = try fixture.registry.job(id: broken)
        #expect(brokenRecord.state == .failed && brokenRecord.error?.contains("case.h5") == true, "\(brokenRecord.error ?? "")")

        let expected = try SegmentationPipeline.run(ct: Self.phantom.ct, request: SegmentKind.request(from: spec), slabCount: 1)
        let file = try ResultFile.read(path: fixture.resultURL(job).path)
        #expect(file.segmentation.keys.sorted() == expected.masks.keys.sorted())
        for (name, mask) in expected.masks { #expect(file.segmentation[name]?.voxels == mask.voxels, "\(name)") }
        #expect(file.labelMap?.voxels == expected.labels.voxels)
        #expect(file.attributes["volume_cm3_body"] == .double(expected.volumesCC["body"]!))
        #expect(file.attributes["seed"] == .int(1))
    }
}
