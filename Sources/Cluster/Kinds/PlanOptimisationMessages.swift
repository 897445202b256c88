import Core
import Dose
import Jobs
import Optimization
import Planning

/// The explicit mapping of a plan's collective optimisation onto payloads (field names in Protocol.md).
///
/// The coordinator sets the problem up once (``FluenceOptimisation``: the CSR rows of the whole dose grid, the
/// cost terms after overlap resolution, the start weight) and cuts the dose grid into `blockCount` z-blocks, a
/// number fixed by the grid (at most 16), not by the ranks. Member m of a collective phase gets the blocks
/// b ≡ m (mod members): their CSR rows, each term's voxels within them (block-local rows) with the term's
/// global voxel count, the terms, the start weight and the stopping rules; so the tasks together carry the
/// matrix once. Member 0 returns the weights and the optimiser's record, the others an empty payload. A Monte Carlo-
/// corrected re-optimisation adds each block's fixed dose offset (`rows.offset_gy`, one per row) and the warm-start
/// weights (`start.weights`); both fields are absent otherwise.
enum PlanOptimisationMessages {
    /// What the coordinator starts from.
    struct Problem {
        var influence: Dose.InfluenceMatrix
        var structures: DoseGridStructures
        var objectives: [ObjectiveSpec]
        var prescription: PrescriptionSpec
        var optimizer: OptimizerSpec
    }

    /// The largest number of z-blocks.
    static let maxBlockCount = 16

    /// The problem on the coordinator, cut into z-blocks.
    struct Blocks {
        let objectives: [ObjectiveSpec]
        let optimizer: OptimizerSpec
        let startWeight: Double
        /// The CSR rows and cost terms of each z-block, in block order.
        let blocks: [FluencePlanBlock]
        /// The weights to start from (one per beamlet), or nil for `startWeight` everywhere.
        let startWeights: [Double]?

        init(_ problem: Problem) throws {
            let whole = try FluenceOptimisation(influence: problem.influence, structures: problem.structures,
                                                objectives: problem.objectives, prescription: problem.prescription)
            let grid = problem.influence.grid
            let count = min(PlanOptimisationMessages.maxBlockCount, grid.nz)
            let slice = grid.nx * grid.ny
            let rowStarts = (0...count).map { b in b * grid.nz / count * slice }
            var blockOfZ = [Int](repeating: 0, count: grid.nz)
            for b in 0..<count { for z in (b * grid.nz / count)..<((b + 1) * grid.nz / count) { blockOfZ[z] = b } }
            let matrix = whole.matrix
            let terms = whole.block.objectives
            var voxels = [[[Int32]]](repeating: [[Int32]](repeating: [], count: terms.count), count: count)
            for (t, term) in terms.enumerated() {
                for v in term.voxels {
                    let b = blockOfZ[Int(v) / slice]
                    voxels[b][t].append(v - Int32(rowStarts[b]))
                }
            }
            blocks = try (0..<count).map { b in
                let lo = rowStarts[b], hi = rowStarts[b + 1]
                let first = matrix.rowOffsets[lo], end = matrix.rowOffsets[hi]
                let rows = try Optimization.InfluenceMatrix(rowCount: hi - lo, beamletCount: matrix.beamletCount,
                                                            rowOffsets: matrix.rowOffsets[lo...hi].map { $0 - first },
                                                            beamletIndices: Array(matrix.beamletIndices[first..<end]),
                                                            values: Array(matrix.values[first..<end]))
                return try FluencePlanBlock(matrix: rows, objectives: terms.indices.map { t in
                    DoseObjective(function: terms[t].function, penalty: terms[t].penalty, voxels: voxels[b][t],
                                  structureVoxelCount: terms[t].structureVoxelCount)
                })
            }
            objectives = problem.objectives
            optimizer = problem.optimizer
            startWeight = whole.startWeight
            startWeights = nil
        }

        private init(objectives: [ObjectiveSpec], optimizer: OptimizerSpec, startWeight: Double, blocks: [FluencePlanBlock], startWeights: [Double]?) {
            self.objectives = objectives
            self.optimizer = optimizer
            self.startWeight = startWeight
            self.blocks = blocks
            self.startWeights = startWeights
        }

        /// The same problem with the fixed dose `doseOffsetGy` (one value per dose-grid voxel, i.e. per row of the
        /// whole matrix) added to the blocks' dose in the cost, started from `startWeights` (one per beamlet).
        func corrected(doseOffsetGy: [Double], startWeights: [Double]) throws -> Blocks {
            let rows = blocks.reduce(0) { $0 + $1.matrix.rowCount }
            guard doseOffsetGy.count == rows, startWeights.count == blocks[0].matrix.beamletCount,
                  startWeights.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
                throw PlanKindError("a correction of \(doseOffsetGy.count) voxels and \(startWeights.count) start weights for \(rows) rows")
            }
            var first = 0
            let shifted = try blocks.map { block in
                defer { first += block.matrix.rowCount }
                return try FluencePlanBlock(matrix: block.matrix, objectives: block.objectives,
                                            doseOffsetGy: Array(doseOffsetGy[first..<(first + block.matrix.rowCount)]))
            }
            return Blocks(objectives: objectives, optimizer: optimizer, startWeight: startWeight, blocks: shifted, startWeights: startWeights)
        }

        /// The task of every member of a group of `members`, in member order.
        func tasks(members: Int) -> [TaskPayload] {
            (0..<members).map { member in
                encode(blockIDs: Array(stride(from: member, to: blocks.count, by: members)))
            }
        }

        private func encode(blockIDs: [Int]) -> TaskPayload {
            let own = blockIDs.map { blocks[$0] }
            var payload = TaskPayload()
            payload["blocks"] = .int64([Int64(blocks.count)] + blockIDs.map(Int64.init))
            payload["rows.counts"] = .int64(own.map { Int64($0.matrix.rowCount) })
            payload["rows.offsets"] = .int64(own.flatMap { $0.matrix.rowOffsets.map(Int64.init) })
            payload["rows.beamlets"] = .int32(own.flatMap(\.matrix.beamletIndices))
            payload["rows.dose"] = .float32(own.flatMap(\.matrix.values))
            payload["terms.voxel_counts"] = .int64(own.flatMap { $0.objectives.map { Int64($0.voxels.count) } })
            payload["terms.voxels"] = .int32(own.flatMap { $0.objectives.flatMap(\.voxels) })
            payload["terms.structure_voxels"] = .int64(blocks[0].objectives.map { Int64($0.structureVoxelCount) })
            payload["objectives.types"] = .text(objectives.map(\.type.rawValue).joined(separator: ","))
            payload["objectives.values"] = .float64(objectives.flatMap { [$0.doseGy, $0.volumePct ?? .nan, $0.eudA ?? .nan, $0.penalty] })
            payload["optimizer"] = .float64([Double(optimizer.maxIterations), optimizer.tolerance, startWeight,
                                             Double(blocks[0].matrix.beamletCount)])
            if blocks[0].doseOffsetGy != nil { payload["rows.offset_gy"] = .float64(own.flatMap { $0.doseOffsetGy ?? [] }) }
            if let startWeights { payload["start.weights"] = .float64(startWeights) }
            return payload
        }
    }

    /// One member's share as decoded on the executing rank.
    struct MemberTask {
        var blockCount: Int
        /// The member's blocks (empty when it has none).
        var blockIDs: [Int]
        /// The blocks of `blockIDs`, or one block of no rows when the member has none.
        var blocks: [FluencePlanBlock]
        var beamletCount: Int
        var startWeight: Double
        /// The warm-start weights, or nil for `startWeight` everywhere.
        var startWeights: [Double]?
        var optimizer: OptimizerSpec
    }

    static func decodeMember(_ payload: TaskPayload) throws -> MemberTask {
        let header = try payload.int64s("blocks"), optimizer = try payload.float64s("optimizer")
        let ids = header.dropFirst()
        guard let count = header.first, count >= 1, count <= maxBlockCount, ids.allSatisfy({ (0..<count).contains($0) }),
              zip(ids, ids.dropFirst()).allSatisfy({ $0 < $1 }),
              optimizer.count == 4, optimizer[0] >= 1, optimizer[0] <= 1e6, optimizer[0] == optimizer[0].rounded(),
              optimizer[2].isFinite, optimizer[2] > 0, optimizer[3] >= 1, optimizer[3] <= Double(Int32.max), optimizer[3] == optimizer[3].rounded() else {
            throw WireError.malformed("the block or optimizer fields are invalid")
        }
        let beamlets = Int(optimizer[3])
        let typesText = try payload.text("objectives.types"), values = try payload.float64s("objectives.values")
        let types = typesText.isEmpty ? [] : typesText.split(separator: ",").map(String.init)
        guard values.count == 4 * types.count else { throw WireError.malformed("the objective fields disagree") }
        let functions = try types.indices.map { n in
            guard let type = ObjectiveType(rawValue: types[n]) else { throw WireError.malformed("unknown objective type \(types[n])") }
            let v = values[(4 * n)..<(4 * n + 4)].map { $0 }
            return (CostFunction.function(of: ObjectiveSpec(structure: "", type: type, doseGy: v[0], volumePct: v[1].isNaN ? nil : v[1],
                                                            eudA: v[2].isNaN ? nil : v[2], penalty: v[3])), v[3])
        }
        let structureVoxels = try payload.int64s("terms.structure_voxels")
        let rowCounts = try payload.int64s("rows.counts"), offsets = try payload.int64s("rows.offsets")
        let beamletIndices = try payload.int32s("rows.beamlets"), dose = try payload.float32s("rows.dose")
        let voxelCounts = try payload.int64s("terms.voxel_counts"), voxels = try payload.int32s("terms.voxels")
        let own = header.count - 1
        let doseOffsets = try payload["rows.offset_gy"].map { _ in try payload.float64s("rows.offset_gy") }
        let startWeights = try payload["start.weights"].map { _ in try payload.float64s("start.weights") }
        guard doseOffsets.map({ $0.count == Int(rowCounts.reduce(0, +)) }) ?? true,
              startWeights.map({ $0.count == beamlets && $0.allSatisfy { $0.isFinite && $0 >= 0 } }) ?? true else {
            throw WireError.malformed("the dose offsets or start weights disagree with the rows and beamlets")
        }
        guard structureVoxels.count == functions.count, structureVoxels.allSatisfy({ $0 >= 0 }), rowCounts.count == own,
              rowCounts.allSatisfy({ $0 >= 0 }), offsets.count == Int(rowCounts.reduce(0, +)) + own, beamletIndices.count == dose.count,
              voxelCounts.count == own * functions.count, voxelCounts.allSatisfy({ $0 >= 0 }), voxelCounts.reduce(0, +) == Int64(voxels.count) else {
            throw WireError.malformed("the block row and term fields disagree")
        }
        var offsetStart = 0, entryStart = 0, voxelStart = 0, rowStart = 0
        let blocks = try (0..<own).map { i in
            let rows = Int(rowCounts[i])
            let rowOffsets = offsets[offsetStart...(offsetStart + rows)].map { Int($0) }
            offsetStart += rows + 1
            guard let entries = rowOffsets.last, entries >= 0, entryStart + entries <= dose.count else {
                throw WireError.malformed("block \(i) holds more entries than were sent")
            }
            let matrix = try Optimization.InfluenceMatrix(rowCount: rows, beamletCount: beamlets, rowOffsets: rowOffsets,
                                                          beamletIndices: Array(beamletIndices[entryStart..<(entryStart + entries)]),
                                                          values: Array(dose[entryStart..<(entryStart + entries)]))
            entryStart += entries
            let terms = functions.indices.map { t in
                let n = Int(voxelCounts[i * functions.count + t])
                defer { voxelStart += n }
                return DoseObjective(function: functions[t].0, penalty: functions[t].1, voxels: Array(voxels[voxelStart..<(voxelStart + n)]),
                                     structureVoxelCount: Int(structureVoxels[t]))
            }
            defer { rowStart += rows }
            return try FluencePlanBlock(matrix: matrix, objectives: terms, doseOffsetGy: doseOffsets.map { Array($0[rowStart..<(rowStart + rows)]) })
        }
        guard entryStart == dose.count else { throw WireError.malformed("the blocks leave \(dose.count - entryStart) entries unused") }
        // A member without blocks (more members than blocks) still takes part in every reduction: with one block of no rows.
        let empty = try Optimization.InfluenceMatrix(rowCount: 0, beamletCount: beamlets, rowOffsets: [0], beamletIndices: [], values: [])
        let terms = functions.indices.map { t in
            DoseObjective(function: functions[t].0, penalty: functions[t].1, voxels: [], structureVoxelCount: Int(structureVoxels[t]))
        }
        return MemberTask(blockCount: Int(count), blockIDs: ids.map { Int($0) },
                          blocks: blocks.isEmpty ? [try FluencePlanBlock(matrix: empty, objectives: terms)] : blocks, beamletCount: beamlets,
                          startWeight: optimizer[2], startWeights: startWeights, optimizer: OptimizerSpec(maxIterations: Int(optimizer[0]), tolerance: optimizer[1]))
    }

    static func encode(_ result: FluenceOptimisationResult) -> TaskPayload {
        var payload = TaskPayload()
        payload["weights"] = .float64(result.weights)
        payload["counts"] = .int64([Int64(result.iterations), Int64(result.evaluations)])
        payload["objective_history"] = .float64(result.objectiveHistory)
        payload["stop_reason"] = .text(result.stopReason.rawValue)
        payload["seconds"] = .float64([result.seconds])
        return payload
    }

    static func decodeResult(_ payload: TaskPayload, beamletCount: Int) throws -> FluenceOptimisationResult {
        let weights = try payload.float64s("weights"), counts = try payload.int64s("counts"), seconds = try payload.float64s("seconds")
        let reasonName = try payload.text("stop_reason")
        guard let reason = StopReason(rawValue: reasonName) else { throw WireError.malformed("unknown stop reason \(reasonName)") }
        guard weights.count == beamletCount, counts.count == 2, seconds.count == 1 else {
            throw WireError.malformed("the optimisation result holds \(weights.count) weights for \(beamletCount) beamlets")
        }
        return FluenceOptimisationResult(weights: weights, iterations: Int(counts[0]), evaluations: Int(counts[1]),
                                         objectiveHistory: try payload.float64s("objective_history"), stopReason: reason, seconds: seconds[0])
    }
}
