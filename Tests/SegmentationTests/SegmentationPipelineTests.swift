import Testing
import Core
import Phantoms
@testable import Segmentation

/// The slab pipeline: exact independence of the slab count and the step protocol.
struct SegmentationPipelineTests {
    @Test("result is bitwise identical for 1, 2, 3, 4 and 7 slabs")
    func slabCountIndependence() throws {
        let phantom = try PhantomFactory.thorax(seed: 3, size: .small)
        let reference = try SegmentationPipeline.run(ct: phantom.ct, request: SegmentationRequest(), slabCount: 1)
        #expect(reference.volumesCC["body"]! > 1000)
        for slabs in [2, 3, 4, 7] {
            let out = try SegmentationPipeline.run(ct: phantom.ct, request: SegmentationRequest(), slabCount: slabs)
            #expect(out == reference, "\(slabs) slabs differ from 1 slab")
        }
    }

    @Test("steps follow the requested structures; halos cover the radii")
    func stepsAndHalos() throws {
        let grid = try Grid(nx: 8, ny: 8, nz: 8, spacingMM: SIMD3(1, 1, 2.5))
        let body = try SegmentationPipeline(request: SegmentationRequest(structures: [.body]), grid: grid)
        #expect(body.steps == [.local(.bodyCandidates), .global(.selectBody), .local(.tissues)])
        // Opening with r = 6 mm on 2.5 mm slices: ball half extent 2 slices, twice for open.
        #expect(body.haloSlices(forStep: .bodyCandidates) == 4)
        #expect(body.haloSlices(forStep: .tissues) == 2)
        let all = try SegmentationPipeline(request: SegmentationRequest(), grid: grid)
        #expect(all.steps.count == 7)
        // Bones: cancellous reach 12 mm on 2.5 mm slices → 4 slices (the ring closing and hole filling are per slice).
        #expect(all.haloSlices(forStep: .tissues) == 4)
        #expect(throws: SegmentationError.self) { try SegmentationPipeline(request: SegmentationRequest(structures: []), grid: grid) }
    }

    @Test("absorb rejects outputs that do not tile the volume")
    func absorbChecksTiling() throws {
        let phantom = try PhantomFactory.thorax(seed: 1, size: .small)
        let pipeline = try SegmentationPipeline(request: SegmentationRequest(structures: [.body]), grid: phantom.grid)
        var state = SegmentationState(ct: phantom.ct)
        let split = try SlabDecomposition(nz: phantom.grid.nz, parts: 2, halo: pipeline.haloSlices(forStep: .bodyCandidates))
        let outputs = try split.slabs.map {
            try SegmentationPipeline.runLocal(step: .bodyCandidates, input: pipeline.slabInput(step: .bodyCandidates, slab: $0, state: state))
        }
        #expect(throws: SegmentationError.self) { try pipeline.absorb(step: .bodyCandidates, outputs: [outputs[1], outputs[0]], into: &state) }
        #expect(throws: SegmentationError.self) { try pipeline.absorb(step: .bodyCandidates, outputs: [outputs[0]], into: &state) }
        try pipeline.absorb(step: .bodyCandidates, outputs: outputs, into: &state)
        try pipeline.runGlobal(step: .selectBody, state: &state)
        #expect(state.classTables["bodyParts"]?.count == 2)
    }
}
