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

    /// A short scan of a body: 1 × 1 mm pixels, 2 mm slices (the body opening's ball, r = 6 mm, spans 7 slices);
    /// an elliptic water cylinder whose width changes along z (semi-axes 20–22 × 15 mm), with noise, and a 3 mm
    /// couch 8 mm below it (removed by the opening).
    static func shortScan(slices nz: Int) throws -> CTVolume {
        let grid = try Grid(nx: 60, ny: 52, nz: nz, spacingMM: SIMD3(1, 1, 2), originMM: SIMD3(-30, -26, -40))
        var rng = RandomStream(seed: 5, stream: UInt64(nz))
        var ct = CTVolume(grid: grid, repeating: -1000)
        for z in 0..<nz { for y in 0..<52 { for x in 0..<60 {
            let a = 20.0 + Double(z % 3), b = 15.0
            let dx = Double(x) - 30, dy = Double(y) - 24
            var hu = -1000.0
            if (dx / a) * (dx / a) + (dy / b) * (dy / b) <= 1 { hu = 20 + 40 * (rng.uniform() - 0.5) }
            if y >= 47 && y <= 49 && abs(dx) < 28 { hu = 100 }
            ct[x, y, z] = Int16(hu)
        } } }
        return ct
    }

    @Test("a scan of 1–6 slices, shorter than the body opening's ball, keeps its body; the result is the same for 1–4 slabs")
    func shortScanKeepsItsBody() throws {
        for nz in [1, 2, 3, 4, 5, 6] {
            let ct = try Self.shortScan(slices: nz)
            let reference = try SegmentationPipeline.run(ct: ct, request: SegmentationRequest(), slabCount: 1)
            // The cylinder's volume π·a·b·2 mm per slice, within 5 % (voxelised ellipses).
            var expected = 0.0
            for z in 0..<nz {
                let a: Double = 20 + Double(z % 3)
                expected += Double.pi * a * 15 * 2 / 1000
            }
            let body = try #require(reference.volumesCC["body"])
            #expect(abs(body - expected) <= 0.05 * expected, "\(nz) slices: body \(body) cm³, cylinder \(expected) cm³")
            for slabs in [2, 3, 4] {
                let out = try SegmentationPipeline.run(ct: ct, request: SegmentationRequest(), slabCount: slabs)
                #expect(out == reference, "\(nz) slices: \(slabs) slabs differ from 1 slab")
            }
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

    @Test("finish on several threads gives the single-thread output")
    func finishOnThreads() throws {
        let phantom = try PhantomFactory.thorax(seed: 3, size: .small)
        let pipeline = try SegmentationPipeline(request: SegmentationRequest(), grid: phantom.grid)
        var state = SegmentationState(ct: phantom.ct)
        let work = pipeline.sliceWork(phantom.ct)
        for step in pipeline.steps {
            switch step {
            case .local(let id):
                let split = try pipeline.decomposition(step: id, parts: 2, sliceWork: work)
                let outputs = try split.slabs.map { try SegmentationPipeline.runLocal(step: id, input: pipeline.slabInput(step: id, slab: $0, state: state)) }
                try pipeline.absorb(step: id, outputs: outputs, into: &state)
            case .global(let id):
                try pipeline.runGlobal(step: id, state: &state)
            }
        }
        let one = pipeline.finish(state: state)
        #expect(one.volumesCC["lung_left"]! > 10)
        #expect(one.labels.voxels.contains(SegmentationStructure.spinalCanal.labelValue))
        for threads in [2, 3, 64] { #expect(pipeline.finish(state: state, threads: threads) == one, "\(threads) threads") }
    }

    @Test("slice work: filled rows at or above the body threshold plus 1/16 of the slice (brute force)")
    func sliceWorkMatchesBruteForce() throws {
        let grid = try Grid(nx: 9, ny: 7, nz: 6, spacingMM: SIMD3(1, 1, 2))
        var rng = RandomStream(seed: 11)
        // Mostly air, some tissue and bone; slice 2 all air.
        let voxels = (0..<grid.voxelCount).map { i -> Int16 in
            let z = i / grid.sliceCount, u = rng.uniform()
            return z == 2 || u < 0.6 ? -1000 : (u < 0.9 ? Int16(-349 + Int(u * 100)) : 700)
        }
        let ct = try CTVolume(grid: grid, voxels: voxels)
        let pipeline = try SegmentationPipeline(request: SegmentationRequest(bodyThresholdHU: -349.5), grid: grid)
        let work = pipeline.sliceWork(ct)
        for z in 0..<grid.nz {
            var expected = Int64(grid.sliceCount / 16)
            for y in 0..<grid.ny {
                let inside = (0..<grid.nx).filter { ct.voxels[(z * grid.ny + y) * grid.nx + $0] >= -349 }
                if let first = inside.first, let last = inside.last { expected += Int64(last - first + 1) }
            }
            #expect(work[z] == expected, "slice \(z)")
        }
        #expect(work[2] == Int64(grid.sliceCount / 16))
        // A threshold above every HU: only the per-slice floor.
        let none = try SegmentationPipeline(request: SegmentationRequest(bodyThresholdHU: 40_000), grid: grid)
        #expect(none.sliceWork(ct) == Array(repeating: Int64(grid.sliceCount / 16), count: grid.nz))
    }

    @Test("balanced split: more slices where the body is small, result unchanged, halos of the step")
    func balancedSplitOnPhantom() throws {
        let phantom = try PhantomFactory.thorax(seed: 3, size: .small)
        // The upper half (z ≥ nz/2) all air but a strip of 5 columns at the edge: the work lies in the lower half.
        var voxels = phantom.ct.voxels
        let g = phantom.grid
        for z in (g.nz / 2)..<g.nz {
            for i in (z * g.sliceCount)..<((z + 1) * g.sliceCount) where i % g.nx > 4 { voxels[i] = -1000 }
        }
        let ct = try CTVolume(grid: g, voxels: voxels)
        let request = SegmentationRequest(structures: [.body, .bones])
        let pipeline = try SegmentationPipeline(request: request, grid: g)
        let work = pipeline.sliceWork(ct)
        for step in [LocalStepID.bodyCandidates, .tissues] {
            let split = try pipeline.decomposition(step: step, parts: 2, sliceWork: work)
            #expect(split.halo == pipeline.haloSlices(forStep: step))
            #expect(split.slabs[1].core.count > g.nz / 2, "the light upper half goes to one slab with part of the lower")
            let w = split.slabs.map { work[$0.core].reduce(0, +) }
            #expect(abs(w[0] - w[1]) <= work.max()!, "core work \(w)")
            #expect(try pipeline.decomposition(step: step, parts: 2, sliceWork: work) == split)
        }
        let reference = try SegmentationPipeline.run(ct: ct, request: request, slabCount: 1)
        #expect(reference.volumesCC["body"]! > 100)
        for slabs in [2, 3] {
            #expect(try SegmentationPipeline.run(ct: ct, request: request, slabCount: slabs) == reference)
        }
    }

    /// The small thorax phantom, a body-only pipeline, its first state and an even split of the body
    /// candidates step into `parts` slabs.
    static func bodySlabs(parts: Int) throws -> (Phantom, SegmentationPipeline, SegmentationState, SlabDecomposition) {
        let phantom = try PhantomFactory.thorax(seed: 1, size: .small)
        let pipeline = try SegmentationPipeline(request: SegmentationRequest(structures: [.body]), grid: phantom.grid)
        let split = try SlabDecomposition(nz: phantom.grid.nz, parts: parts, halo: pipeline.haloSlices(forStep: .bodyCandidates))
        return (phantom, pipeline, SegmentationState(ct: phantom.ct), split)
    }

    @Test("absorb rejects outputs that do not tile the volume")
    func absorbChecksTiling() throws {
        let (_, pipeline, initial, split) = try Self.bodySlabs(parts: 2)
        var state = initial
        let outputs = try split.slabs.map {
            try SegmentationPipeline.runLocal(step: .bodyCandidates, input: pipeline.slabInput(step: .bodyCandidates, slab: $0, state: state))
        }
        #expect(throws: SegmentationError.self) { try pipeline.absorb(step: .bodyCandidates, outputs: [outputs[1], outputs[0]], into: &state) }
        #expect(throws: SegmentationError.self) { try pipeline.absorb(step: .bodyCandidates, outputs: [outputs[0]], into: &state) }
        try pipeline.absorb(step: .bodyCandidates, outputs: outputs, into: &state)
        try pipeline.runGlobal(step: .selectBody, state: &state)
        #expect(state.classTables["bodyParts"]?.count == 2)
    }

    @Test("a slab input referring to the whole CT equals one holding the copied slab, and runs to the same output")
    func slabInputOnTheWholeCTEqualsTheCopiedSlab() throws {
        let (phantom, pipeline, state, split) = try Self.bodySlabs(parts: 3)
        for slab in split.slabs {
            let referring = try pipeline.slabInput(step: .bodyCandidates, slab: slab, state: state)
            #expect(referring.ctSource?.grid.nz == phantom.grid.nz && referring.ctSourceFirstSlice == 0)
            let copied = SlabStepInput(step: .bodyCandidates, slabIndex: slab.index, core: slab.core, extended: slab.extended,
                                       ct: phantom.ct.slab(slab.extended), masks: referring.masks, scalars: referring.scalars)
            #expect(referring.ct == copied.ct && referring == copied, "slab \(slab.index)")
            #expect(try SegmentationPipeline.runLocal(step: .bodyCandidates, input: referring)
                    == SegmentationPipeline.runLocal(step: .bodyCandidates, input: copied), "slab \(slab.index)")
        }
    }

    @Test("inputs without CT, supplied with their full CT slices, run to the same outputs; bodyCandidates slabs report the slice work")
    func suppliedCTEqualsCarriedCT() throws {
        let phantom = try PhantomFactory.thorax(seed: 3, size: .small)
        let pipeline = try SegmentationPipeline(request: SegmentationRequest(), grid: phantom.grid)
        var withCT = SegmentationState(ct: phantom.ct), without = SegmentationState()
        let work = pipeline.sliceWork(phantom.ct)
        for step in pipeline.steps {
            switch step {
            case .local(let id):
                let split = try pipeline.decomposition(step: id, parts: 3, sliceWork: work)
                var outputs: [SlabStepOutput] = []
                for slab in split.slabs {
                    let carried = try pipeline.slabInput(step: id, slab: slab, state: withCT)
                    var supplied = try pipeline.slabInput(step: id, slab: slab, state: without)
                    #expect(supplied.ct == nil && supplied.ctSlicesToRead == slab.extended && carried.ctSlicesToRead == nil)
                    #expect(throws: SegmentationError.self) { try SegmentationPipeline.runLocal(step: id, input: supplied) }
                    var wrong = supplied
                    #expect(throws: SegmentationError.self) { try wrong.supplyCT(phantom.ct.slab(slab.extended.lowerBound..<(slab.extended.upperBound - 1))) }
                    supplied.reportsSliceWork = true
                    try supplied.supplyCT(phantom.ct.slab(slab.extended))
                    #expect(supplied.ct == carried.ct && supplied.ctSlicesToRead == nil, "\(id.rawValue) slab \(slab.index)")
                    #expect(throws: SegmentationError.self) { try supplied.supplyCT(phantom.ct.slab(slab.extended)) }
                    let output = try SegmentationPipeline.runLocal(step: id, input: supplied)
                    var expected = try SegmentationPipeline.runLocal(step: id, input: carried)
                    #expect(expected.sliceWork.isEmpty)
                    if id == .bodyCandidates {
                        #expect(output.sliceWork == Array(work[slab.core]), "slab \(slab.index)")
                        expected.sliceWork = output.sliceWork
                    } else {
                        #expect(output.sliceWork.isEmpty)
                    }
                    #expect(output == expected, "\(id.rawValue) slab \(slab.index)")
                    outputs.append(output)
                }
                try pipeline.absorb(step: id, outputs: outputs, into: &withCT)
                try pipeline.absorb(step: id, outputs: outputs, into: &without)
            case .global(let id):
                try pipeline.runGlobal(step: id, state: &withCT)
                try pipeline.runGlobal(step: id, state: &without)
            }
        }
        let finished = pipeline.finish(state: without)
        #expect(finished == pipeline.finish(state: withCT))
        #expect(finished == (try SegmentationPipeline.run(ct: phantom.ct, request: SegmentationRequest(), slabCount: 1)))
    }
}
