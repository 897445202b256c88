import Core
import Dose
import Foundation
import Jobs
import Optimization
import Planning
import Store
import Testing
@testable import Cluster

/// The plan's collective optimisation on the water box of `PlanKindTests` (24 × 24 × 16 voxels of 5 mm, so 16
/// z-blocks of one slice; 3 beams), with objectives that need every kind of global statistics (min-DVH, mean
/// dose, EUD besides the squared terms).
@Suite(.timeLimit(.minutes(5))) struct PlanCollectiveTests {
    static let objectives = [
        ObjectiveSpec(structure: "ptv", type: .squaredDeviation, doseGy: 60, penalty: 1000),
        ObjectiveSpec(structure: "ptv", type: .minDVH, doseGy: 57, volumePct: 95, penalty: 300),
        ObjectiveSpec(structure: "oar", type: .meanDose, doseGy: 5, penalty: 50),
        ObjectiveSpec(structure: "oar", type: .eud, doseGy: 8, eudA: 4, penalty: 20),
        ObjectiveSpec(structure: "body", type: .squaredOverdose, doseGy: 30, penalty: 10),
    ]

    /// The problem: influence matrix of the water box computed in process, structures on the dose grid.
    static func problem() throws -> PlanOptimisationMessages.Problem {
        guard case .plan(let plan) = try JobSpec.parse(yaml: PlanKindTests.spec()).work else { throw PlanKindError("not a plan spec") }
        let structures = try PlanKindTests.structures()
        let setup = try DoseSetup(spec: plan.dose, seed: 11, ct: PlanKindTests.phantom.ct,
                                  structures: Dictionary(uniqueKeysWithValues: structures.map { ($0.name, $0.mask) }))
        let stage = try InfluenceStage(setup: setup)
        guard case .matrix(let matrix, _) = try stage.nextStep(after: stage.tasks.map(InfluenceStage.execute)) else {
            throw PlanKindError("a Monte Carlo influence stage has one phase")
        }
        let contoured = structures.map { ContouredStructure(name: $0.name, mask: $0.mask, overlapPriority: $0.overlapPriority) }
        return .init(influence: matrix, structures: try DoseGridStructures(contoured, doseGrid: setup.patient.grid), objectives: objectives,
                     prescription: PrescriptionSpec(target: "ptv", doseGy: 60), optimizer: OptimizerSpec(maxIterations: 40, tolerance: 1e-9))
    }

    /// Runs the collective phase of `blocks` on `members` in-process workers; returns every member's reply payload.
    static func runCollective(_ blocks: PlanOptimisationMessages.Blocks, members: Int) throws -> [TaskPayload] {
        let pool = LocalWorkerPool(catalog: KindCatalog([PlanKind()]), slots: members)
        let tasks = CollectiveTasks.marked(blocks.tasks(members: members).map(PlanStage.optimisation.tagged))
        let messages = tasks.enumerated().map { ClusterMessage.task(address: TaskAddress(jobID: 1, phase: 1, index: $0.offset), kind: "plan", input: $0.element).encoded() }
        _ = pool.dispatchCollective(messages)
        var replies = [TaskPayload?](repeating: nil, count: members)
        while let reply = pool.nextReply() {
            switch try ClusterMessage.decode(reply.message) {
            case .result(let address, _, let output): replies[address.index] = output
            case .failure(_, let message): throw PlanKindError(message)
            default: throw PlanKindError("unexpected reply")
            }
        }
        return try replies.map { try #require($0) }
    }

    /// 1, 2, 3 and 5 members give bitwise the same weights, iterations and cost history. Against the
    /// single-process optimisation (`FluenceOptimisation`, one block of all rows), which sums the gradient in
    /// another order: cost and gradient at the same weights agree within 1e-12 relative (measured ~1e-16), the
    /// same iteration count, final weights within 1e-9 relative (max |Δw| / max w; measured 2.4e-12 after 40
    /// iterations, the rounding differences grow with the iterations) and final cost within 1e-12.
    @Test func weightsAreIdenticalForAnyMemberCountAndMatchTheSingleBlockReference() throws {
        let problem = try Self.problem()
        let blocks = try PlanOptimisationMessages.Blocks(problem)
        #expect(blocks.rowRanges.count == 16)
        let whole = try FluenceOptimisation(influence: problem.influence, structures: problem.structures, objectives: problem.objectives,
                                            prescription: problem.prescription)
        // The start weight from the CSC columns equals the one from the whole grid's CSR rows, bitwise.
        let unitDose = whole.matrix.dose(weights: [Double](repeating: 1, count: problem.influence.columnCount))
        let target = try problem.structures.mask(named: "ptv", for: "test").voxels
        let inTarget = target.indices.filter { target[$0] != 0 }
        #expect(blocks.startWeight == 60 / (inTarget.reduce(0.0) { $0 + unitDose[$1] } / Double(inTarget.count)))
        let reference = try whole.run(problem.optimizer)
        let all = try PlanOptimisationMessages.decodeMember(blocks.tasks(members: 1)[0])
        let allBlocks = try all.fluenceBlocks(group: LocalCollectiveHub(size: 1).member(0))
        // The members get the entries of the rows some term uses; this fixture has matrix entries outside every structure.
        let used = Set(try CostFunction.terms(problem.objectives, structures: problem.structures).flatMap(\.voxels))
        let costEntries = problem.influence.rowIndices.filter { used.contains($0) }.count
        #expect(allBlocks.map(\.matrix.nonZeroCount).reduce(0, +) == costEntries && costEntries < problem.influence.doseGy.count)
        for weights in [[Double](repeating: whole.startWeight, count: problem.influence.columnCount), reference.weights] {
            let single = whole.block.evaluate(weights: weights)
            let parts = FluencePlanBlock.evaluate(allBlocks, weights: weights) { local in try! PlanCollectiveOptimisation.blockOrderSum(local, task: all, group: LocalCollectiveHub(size: 1).member(0)) }
            let total = try PlanCollectiveOptimisation.blockOrderSum(parts.map { $0.gradient + [$0.objective] }, task: all,
                                                                     group: LocalCollectiveHub(size: 1).member(0))
            let gradientScale = single.gradient.map(abs).max() ?? 1
            #expect(abs(total.last! - single.objective) <= 1e-12 * single.objective, "cost \(total.last!) vs \(single.objective)")
            #expect(zip(total, single.gradient).allSatisfy { abs($0 - $1) <= 1e-12 * gradientScale })
        }
        var first: FluenceOptimisationResult?
        for members in [1, 2, 3, 5] {
            let replies = try Self.runCollective(blocks, members: members)
            #expect(replies.dropFirst().allSatisfy { $0.fields.isEmpty }, "only member 0 returns the result")
            let result = try PlanOptimisationMessages.decodeResult(replies[0], beamletCount: problem.influence.columnCount)
            if let first {
                #expect(result.weights == first.weights && result.objectiveHistory == first.objectiveHistory, "\(members) members")
                #expect(result.iterations == first.iterations && result.evaluations == first.evaluations)
                continue
            }
            first = result
            let scale = reference.weights.max() ?? 1
            let deviation = zip(result.weights, reference.weights).map { abs($0 - $1) }.max() ?? .infinity
            #expect(deviation <= 1e-9 * scale, "max |Δw| \(deviation), max w \(scale)")
            #expect(result.iterations == reference.iterations && result.iterations > 5, "\(result.iterations) vs \(reference.iterations)")
            #expect(abs(result.objectiveHistory.last! - reference.objectiveHistory.last!) <= 1e-12 * reference.objectiveHistory.last!)
        }
    }

    /// The member tasks share the columns (consecutive, together every entry once, whatever the member count),
    /// and the all-to-all of 1, 3 and 20 in-process members gives each member exactly the CSR rows of its blocks
    /// (b ≡ member mod members) with the coordinator's terms; a member without blocks gets one block of no rows.
    @Test func memberTasksShareTheColumnsAndTheAllToAllBuildsEachBlock() throws {
        let problem = try Self.problem()
        let blocks = try PlanOptimisationMessages.Blocks(problem)
        let influence = blocks.influence, offsets = influence.columnPointers.map { Int($0) }
        // The shared matrix is the problem's restricted to term rows: the same columns, each keeping its entries in order.
        let used = Set(try CostFunction.terms(problem.objectives, structures: problem.structures).flatMap(\.voxels))
        for c in 0..<influence.columnCount {
            let full = Int(problem.influence.columnPointers[c])..<Int(problem.influence.columnPointers[c + 1])
            let kept = full.filter { used.contains(problem.influence.rowIndices[$0]) }
            #expect(Array(influence.rowIndices[offsets[c]..<offsets[c + 1]]) == kept.map { problem.influence.rowIndices[$0] })
            #expect(Array(influence.doseGy[offsets[c]..<offsets[c + 1]]) == kept.map { problem.influence.doseGy[$0] })
        }
        for members in [1, 3, 20] {
            let decoded = try blocks.tasks(members: members).map(PlanOptimisationMessages.decodeMember)
            #expect(decoded.flatMap(\.blockIDs).sorted() == Array(0..<16))
            #expect(decoded[0].columnStarts.first == 0 && decoded[0].columnStarts.last == influence.columnCount)
            #expect(decoded.map(\.columns.values.count).reduce(0, +) == influence.doseGy.count)
            #expect(decoded.map(\.columns.values).reduce([], +) == influence.doseGy)
            let hub = LocalCollectiveHub(size: members)
            let reports = ThreadResults.onThreads(members) { m in
                do {
                    let own = try decoded[m].fluenceBlocks(group: hub.member(m))
                    let expected = decoded[m].blockIDs.isEmpty ? [try Optimization.InfluenceMatrix(rowCount: 0, beamletCount: influence.columnCount,
                                                                                               rowOffsets: [0], beamletIndices: [], values: [])]
                        : try decoded[m].blockIDs.map {
                            try Optimization.InfluenceMatrix(columnOffsets: offsets, rowIndices: influence.rowIndices, values: influence.doseGy,
                                                             rows: blocks.rowRanges[$0])
                        }
                    let terms = decoded[m].blockIDs.isEmpty ? [own[0].objectives] : decoded[m].blockIDs.map { blocks.terms[$0] }
                    return own.map(\.matrix) == expected && own.map(\.objectives) == terms ? "ok" : "member \(m) differs"
                } catch { return "\(error)" }
            }
            #expect(reports == Array(repeating: "ok", count: members), "\(members) members")
            if members == 20 { #expect(decoded[19].blockIDs.isEmpty) }
        }
        #expect(throws: WireError.self) { try PlanOptimisationMessages.decodeMember(TaskPayload(["blocks": .int64([0])])) }
        let task = blocks.tasks(members: 2)[1]
        var broken = task
        broken["columns.rows"] = .int32(try task.int32s("columns.rows").map { _ in Int32(influence.grid.voxelCount) })
        #expect(throws: WireError.self) { try PlanOptimisationMessages.decodeMember(broken) }
        #expect(throws: PlanKindError.self) { try PlanOptimisationMessages.decodeMember(task).fluenceBlocks(group: LocalCollectiveHub(size: 1).member(0)) }
        // Bad terms are rejected at decoding, before any exchange: a negative penalty, voxel counts that overflow,
        // a dose grid larger than any case.
        var badPenalty = task
        let values = try task.float64s("objectives.values")
        badPenalty["objectives.values"] = .float64(values.indices.map { $0 == 3 ? -1 : values[$0] })
        #expect(throws: WireError.self) { try PlanOptimisationMessages.decodeMember(badPenalty) }
        var overflow = task
        let counts = try task.int64s("terms.voxel_counts")
        overflow["terms.voxel_counts"] = .int64(counts.indices.map { $0 == 0 ? Int64.max : ($0 == 1 ? 1 : 0) })
        #expect(throws: WireError.self) { try PlanOptimisationMessages.decodeMember(overflow) }
        var huge = task
        huge["blocks.row_starts"] = .int64(try task.int64s("blocks.row_starts").map { $0 == 0 ? 0 : $0 + (1 << 31) })
        #expect(throws: WireError.self) { try PlanOptimisationMessages.decodeMember(huge) }
    }

    /// A piece of the all-to-all survives its Int32 encoding (dose bit patterns included); a piece whose length
    /// disagrees with its column counts is rejected.
    @Test func allToAllPiecesRoundTrip() throws {
        let piece = try ColumnSlice(firstColumn: 4, columnOffsets: [0, 2, 2, 3], rowIndices: [7, 9, 1], values: [0.5, -0.0, .leastNonzeroMagnitude])
        let values = PlanOptimisationMessages.encodePiece(piece)
        let back = try PlanOptimisationMessages.decodePiece(values, firstColumn: 4, columnCount: 3)
        #expect(back.columnOffsets == piece.columnOffsets && back.rowIndices == piece.rowIndices)
        #expect(back.values.map(\.bitPattern) == piece.values.map(\.bitPattern))
        #expect(throws: WireError.self) { try PlanOptimisationMessages.decodePiece(values.dropLast().map { $0 }, firstColumn: 4, columnCount: 3) }
        #expect(throws: WireError.self) { try PlanOptimisationMessages.decodePiece([-1, 0, 0], firstColumn: 0, columnCount: 3) }
    }

    /// A corrected problem: the member tasks carry each block's slice of the dose offset and the warm-start weights;
    /// a zero offset started from the uniform start weight gives bitwise the uncorrected weights (1 and 3 members),
    /// a non-zero offset (+2 Gy in the oar) other weights, identical for 1 and 3 members.
    @Test func correctedProblemCarriesOffsetAndWarmStart() throws {
        let problem = try Self.problem()
        let blocks = try PlanOptimisationMessages.Blocks(problem)
        let voxels = problem.influence.grid.voxelCount, beamlets = problem.influence.columnCount
        let uniform = [Double](repeating: blocks.startWeight, count: beamlets)
        let oar = try problem.structures.mask(named: "oar", for: "test").voxels
        let offsetGy = oar.map { $0 != 0 ? 2.0 : 0 }
        let shifted = try blocks.corrected(doseOffsetGy: offsetGy, startWeights: uniform)
        let decoded = try shifted.tasks(members: 3).map(PlanOptimisationMessages.decodeMember)
        for task in decoded {
            #expect(task.startWeights == uniform)
            #expect(task.doseOffsetsGy == task.blockIDs.map { shifted.doseOffsetsGy![$0] })
        }
        #expect(shifted.doseOffsetsGy?.flatMap { $0 } == offsetGy)
        #expect(try PlanOptimisationMessages.decodeMember(blocks.tasks(members: 1)[0]).startWeights == nil)
        #expect(throws: PlanKindError.self) { try blocks.corrected(doseOffsetGy: [0], startWeights: uniform) }
        let zero = try blocks.corrected(doseOffsetGy: [Double](repeating: 0, count: voxels), startWeights: uniform)
        func weights(_ b: PlanOptimisationMessages.Blocks, _ members: Int) throws -> [Double] {
            try PlanOptimisationMessages.decodeResult(try Self.runCollective(b, members: members)[0], beamletCount: beamlets).weights
        }
        let plain = try weights(blocks, 1)
        #expect(try weights(zero, 1) == plain && weights(zero, 3) == plain)
        let moved = try weights(shifted, 1)
        #expect(try weights(shifted, 3) == moved)
        let change = zip(moved, plain).map { abs($0 - $1) }.max() ?? 0
        #expect(change > 1e-3 * (plain.max() ?? 0), "max |Δw| \(change)")
    }
}
