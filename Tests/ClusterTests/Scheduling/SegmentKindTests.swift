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
        #expect(try SegmentationMessages.decodeInput(payload) == input)
        let output = try SegmentationPipeline.runLocal(step: step, input: input)
        #expect(try SegmentationMessages.decodeOutput(SegmentationMessages.encode(output)) == output)
        // A whole step through the messages absorbs like the direct outputs.
        let outputs = try split.slabs.map { slab in
            try SegmentationMessages.decodeOutput(SegmentKind().execute(phase: 0, input: SegmentationMessages.encode(pipeline.slabInput(step: step, slab: slab, state: state))))
        }
        try pipeline.absorb(step: step, outputs: outputs, into: &state)
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
        let fixture = try SchedulerFixture()
        let caseURL = fixture.root.appendingPathComponent("store/cases/case-a/case.h5")
        try FileManager.default.createDirectory(at: caseURL.deletingLastPathComponent(), withIntermediateDirectories: true)
        try CaseFile(ct: Self.phantom.ct).write(to: caseURL.path)
        let job = try fixture.submit(Self.spec, kind: "segment")
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
