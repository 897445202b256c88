import Core
import Dose
import Jobs
import Optimization
import Planning

/// The explicit mapping of a plan's collective optimisation onto payloads (field names in Protocol.md).
///
/// The coordinator sets the problem up once (the cost terms after overlap resolution, the start weight) and cuts
/// the dose grid into `blockCount` z-blocks, a number fixed by the grid (at most 16), not by the ranks. Member m of
/// a collective phase owns the blocks b ≡ m (mod members). Its task carries a share of the influence matrix's
/// columns (consecutive beamlets, about 1/members of the entries), each term's voxels within its own blocks
/// (block-local rows) with the term's global voxel count, the terms, the start weight and the stopping rules; so
/// the tasks together carry the matrix once. The members then turn columns into rows with one all-to-all
/// (``MemberTask/fluenceBlocks(group:)``): each sends every other member the entries of its columns that lie in
/// that member's blocks, and builds the CSR rows of its own blocks from what it receives. Member 0 returns the
/// weights and the optimiser's record, the others an empty payload. A Monte Carlo-corrected re-optimisation adds
/// each own block's fixed dose offset (`rows.offset_gy`, one per row) and the warm-start weights
/// (`start.weights`); both fields are absent otherwise.
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
    /// The largest dose grid a member task may describe (rows = voxels; as `StoreLimits`' default).
    static let maxRowCount = 1 << 30

    /// CSC columns (pointers, rows, doses) on a dose grid: what the members of a collective optimisation share out.
    struct CostColumns {
        let grid: Grid
        let columnPointers: [Int64]
        let rowIndices: [Int32]
        let doseGy: [Float]
        var columnCount: Int { columnPointers.count - 1 }
    }

    /// The problem on the coordinator, cut into z-blocks.
    struct Blocks {
        let objectives: [ObjectiveSpec]
        let optimizer: OptimizerSpec
        let startWeight: Double
        /// The columns the members share out: the influence stage's CSC matrix restricted to the rows some cost term
        /// uses (``costRows(of:terms:)``).
        let influence: CostColumns
        /// The global rows (dose-grid voxels) of each z-block, in block order.
        let rowRanges: [Range<Int>]
        /// Per block, the cost terms with block-local voxels and the global structure voxel counts.
        let terms: [[DoseObjective]]
        /// Per block, the fixed dose offset of its rows, or nil.
        let doseOffsetsGy: [[Double]]?
        /// The weights to start from (one per beamlet), or nil for `startWeight` everywhere.
        let startWeights: [Double]?

        init(_ problem: Problem) throws {
            let start = try FluenceOptimisation.uniformStart(influence: problem.influence, structures: problem.structures,
                                                              prescription: problem.prescription)
            let whole = try CostFunction.terms(problem.objectives, structures: problem.structures)
            let grid = problem.influence.grid
            let count = min(PlanOptimisationMessages.maxBlockCount, grid.nz)
            let slice = grid.nx * grid.ny
            let ranges = (0..<count).map { b in (b * grid.nz / count * slice)..<((b + 1) * grid.nz / count * slice) }
            var blockOfZ = [Int](repeating: 0, count: grid.nz)
            for b in 0..<count { for z in (b * grid.nz / count)..<((b + 1) * grid.nz / count) { blockOfZ[z] = b } }
            var voxels = [[[Int32]]](repeating: [[Int32]](repeating: [], count: whole.count), count: count)
            for (t, term) in whole.enumerated() {
                for v in term.voxels {
                    let b = blockOfZ[Int(v) / slice]
                    voxels[b][t].append(v - Int32(ranges[b].lowerBound))
                }
            }
            self.init(objectives: problem.objectives, optimizer: problem.optimizer, startWeight: start,
                      influence: Self.costRows(of: problem.influence, terms: whole),
                      rowRanges: ranges, terms: (0..<count).map { b in
                          whole.indices.map { t in
                              DoseObjective(function: whole[t].function, penalty: whole[t].penalty, voxels: voxels[b][t],
                                            structureVoxelCount: whole[t].structureVoxelCount)
                          }
                      }, doseOffsetsGy: nil, startWeights: nil)
        }

        private init(objectives: [ObjectiveSpec], optimizer: OptimizerSpec, startWeight: Double, influence: CostColumns,
                     rowRanges: [Range<Int>], terms: [[DoseObjective]], doseOffsetsGy: [[Double]]?, startWeights: [Double]?) {
            self.objectives = objectives
            self.optimizer = optimizer
            self.startWeight = startWeight
            self.influence = influence
            self.rowRanges = rowRanges
            self.terms = terms
            self.doseOffsetsGy = doseOffsetsGy
            self.startWeights = startWeights
        }

        /// `matrix` without the entries of rows no term uses (voxels outside every structure). The cost and its gradient
        /// see only term rows — the members' dose of an unused row is never read and its gradient weight is 0 — so
        /// every evaluation keeps its bits, with less to send and to stream per iteration (TG-119: 44 % of the pencil
        /// beam's entries lie in the air around the body).
        /// When no entry is dropped the matrix's arrays are shared, not copied; the uncertainties are never kept.
        static func costRows(of matrix: Dose.InfluenceMatrix, terms: [DoseObjective]) -> CostColumns {
            var used = [Bool](repeating: false, count: matrix.grid.voxelCount)
            for term in terms { for v in term.voxels { used[Int(v)] = true } }
            guard matrix.rowIndices.contains(where: { !used[Int($0)] }) else {
                return CostColumns(grid: matrix.grid, columnPointers: matrix.columnPointers, rowIndices: matrix.rowIndices, doseGy: matrix.doseGy)
            }
            var pointers: [Int64] = [0], rows: [Int32] = [], dose: [Float] = []
            pointers.reserveCapacity(matrix.columnCount + 1)
            for c in 0..<matrix.columnCount {
                for e in Int(matrix.columnPointers[c])..<Int(matrix.columnPointers[c + 1]) where used[Int(matrix.rowIndices[e])] {
                    rows.append(matrix.rowIndices[e])
                    dose.append(matrix.doseGy[e])
                }
                pointers.append(Int64(rows.count))
            }
            return CostColumns(grid: matrix.grid, columnPointers: pointers, rowIndices: rows, doseGy: dose)
        }

        /// The same problem with the fixed dose `doseOffsetGy` (one value per dose-grid voxel, i.e. per row of the
        /// whole matrix) added to the blocks' dose in the cost, started from `startWeights` (one per beamlet).
        func corrected(doseOffsetGy: [Double], startWeights: [Double]) throws -> Blocks {
            guard doseOffsetGy.count == influence.grid.voxelCount, startWeights.count == influence.columnCount,
                  startWeights.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
                throw PlanKindError("a correction of \(doseOffsetGy.count) voxels and \(startWeights.count) start weights for \(influence.grid.voxelCount) rows")
            }
            if let i = doseOffsetGy.firstIndex(where: { !$0.isFinite }) { throw PlanKindError("dose offset \(i) is \(doseOffsetGy[i])") }
            return Blocks(objectives: objectives, optimizer: optimizer, startWeight: startWeight, influence: influence, rowRanges: rowRanges,
                          terms: terms, doseOffsetsGy: rowRanges.map { Array(doseOffsetGy[$0]) }, startWeights: startWeights)
        }

        /// The same problem with the iteration limit `maxIterations` (nil: unchanged).
        func limited(to maxIterations: Int?) -> Blocks {
            guard let maxIterations else { return self }
            var limits = optimizer
            limits.maxIterations = maxIterations
            return Blocks(objectives: objectives, optimizer: limits, startWeight: startWeight, influence: influence, rowRanges: rowRanges,
                          terms: terms, doseOffsetsGy: doseOffsetsGy, startWeights: startWeights)
        }

        /// The first column of each of `members` column shares and the end (`members + 1` values): consecutive
        /// beamlets with about equal numbers of entries.
        func columnStarts(members: Int) -> [Int] {
            let pointers = influence.columnPointers, entries = Int(pointers.last ?? 0)
            var starts = [0]
            for k in 1..<members {
                let goal = Int64(k * entries / members)
                var c = starts.last!
                while c < influence.columnCount && pointers[c] < goal { c += 1 }
                starts.append(c)
            }
            return starts + [influence.columnCount]
        }

        /// The task of every member of a group of `members`, in member order.
        func tasks(members: Int) -> [TaskPayload] {
            let starts = columnStarts(members: members)
            return (0..<members).map { member in
                encode(blockIDs: Array(stride(from: member, to: rowRanges.count, by: members)), columns: starts[member]..<starts[member + 1],
                       columnStarts: starts)
            }
        }

        private func encode(blockIDs: [Int], columns: Range<Int>, columnStarts: [Int]) -> TaskPayload {
            let own = blockIDs.map { terms[$0] }
            let first = Int(influence.columnPointers[columns.lowerBound]), end = Int(influence.columnPointers[columns.upperBound])
            var payload = TaskPayload()
            payload["blocks"] = .int64([Int64(rowRanges.count)] + blockIDs.map(Int64.init))
            payload["blocks.row_starts"] = .int64(rowRanges.map { Int64($0.lowerBound) } + [Int64(rowRanges.last?.upperBound ?? 0)])
            payload["columns.starts"] = .int64(columnStarts.map(Int64.init))
            payload["columns.offsets"] = .int64(influence.columnPointers[columns.lowerBound...columns.upperBound].map { $0 - Int64(first) })
            payload["columns.rows"] = .int32(Array(influence.rowIndices[first..<end]))
            payload["columns.dose"] = .float32(Array(influence.doseGy[first..<end]))
            payload["terms.voxel_counts"] = .int64(own.flatMap { $0.map { Int64($0.voxels.count) } })
            payload["terms.voxels"] = .int32(own.flatMap { $0.flatMap(\.voxels) })
            payload["terms.structure_voxels"] = .int64(terms[0].map { Int64($0.structureVoxelCount) })
            payload["objectives.types"] = .text(objectives.map(\.type.rawValue).joined(separator: ","))
            payload["objectives.values"] = .float64(objectives.flatMap { [$0.doseGy, $0.volumePct ?? .nan, $0.eudA ?? .nan, $0.penalty] })
            payload["optimizer"] = .float64([Double(optimizer.maxIterations), optimizer.tolerance, startWeight, Double(influence.columnCount)])
            if let doseOffsetsGy { payload["rows.offset_gy"] = .float64(blockIDs.flatMap { doseOffsetsGy[$0] }) }
            if let startWeights { payload["start.weights"] = .float64(startWeights) }
            return payload
        }
    }

    /// One member's share as decoded on the executing rank.
    struct MemberTask {
        /// The global rows of every z-block, in block order.
        var rowRanges: [Range<Int>]
        /// The member's blocks (empty when it has none).
        var blockIDs: [Int]
        /// The first column of every member's share and the end.
        var columnStarts: [Int]
        /// This member's share of the columns (its first column is `columnStarts[member]`; `firstColumn` is 0 here).
        var columns: ColumnSlice
        /// Per own block, the cost terms with block-local voxels.
        var terms: [[DoseObjective]]
        /// Per own block, the fixed dose offset of its rows, or nil.
        var doseOffsetsGy: [[Double]]?
        var beamletCount: Int
        var startWeight: Double
        /// The warm-start weights, or nil for `startWeight` everywhere.
        var startWeights: [Double]?
        var optimizer: OptimizerSpec

        var blockCount: Int { rowRanges.count }

        /// The rows of the member's own blocks, from the columns of every member by one all-to-all of `group`, as
        /// cost blocks; a member without blocks gets one block of no rows (it still takes part in every reduction).
        func fluenceBlocks(group: any WorkerGroup) throws -> [FluencePlanBlock] {
            guard columnStarts.count == group.size + 1,
                  columns.columnCount == columnStarts[group.member + 1] - columnStarts[group.member],
                  blockIDs == Array(stride(from: group.member, to: blockCount, by: group.size)) else {
                throw PlanKindError("a task cut for \(columnStarts.count - 1) members runs as member \(group.member) of \(group.size)")
            }
            let rowStarts = rowRanges.map(\.lowerBound)
            let slices: [ColumnSlice]
            do {  // the pieces and the received parts are released once decoded
                // The member that owns a row: its block (the last block starting at or before it), mod the members.
                let pieces = columns.split(into: group.size) { row in
                    var lo = 0, hi = rowStarts.count
                    while hi - lo > 1 {
                        let mid = (lo + hi) / 2
                        if rowStarts[mid] <= Int(row) { lo = mid } else { hi = mid }
                    }
                    return lo % group.size
                }
                let received = try group.alltoallv(pieces.map(PlanOptimisationMessages.encodePiece))
                slices = try received.enumerated().map { source, values in
                    try PlanOptimisationMessages.decodePiece(values, firstColumn: columnStarts[source],
                                                             columnCount: columnStarts[source + 1] - columnStarts[source])
                }
            }
            let matrices = try ColumnSlice.rowBlocks(rows: blockIDs.map { rowRanges[$0] }, beamletCount: beamletCount, from: slices)
            let blocks = try matrices.indices.map { i in
                try FluencePlanBlock(matrix: matrices[i], objectives: terms[i], doseOffsetGy: doseOffsetsGy?[i])
            }
            guard blocks.isEmpty else { return blocks }
            let empty = try Optimization.InfluenceMatrix(rowCount: 0, beamletCount: beamletCount, rowOffsets: [0], beamletIndices: [], values: [])
            return [try FluencePlanBlock(matrix: empty, objectives: terms[0])]
        }
    }

    /// One all-to-all piece as Int32 values: the entry count of each column, the rows, the doses' bit patterns.
    static func encodePiece(_ piece: ColumnSlice) -> [Int32] {
        var values = [Int32]()
        values.reserveCapacity(piece.columnCount + 2 * piece.values.count)
        for c in 0..<piece.columnCount { values.append(Int32(piece.columnOffsets[c + 1] - piece.columnOffsets[c])) }
        values += piece.rowIndices
        values += piece.values.map { Int32(bitPattern: $0.bitPattern) }
        return values
    }

    /// The piece of a member whose columns are `firstColumn ..< firstColumn + columnCount`.
    static func decodePiece(_ values: [Int32], firstColumn: Int, columnCount: Int) throws -> ColumnSlice {
        guard values.count >= columnCount, values.prefix(columnCount).allSatisfy({ $0 >= 0 }) else {
            throw WireError.malformed("an all-to-all piece of \(values.count) values for \(columnCount) columns")
        }
        var offsets = [0]
        offsets.reserveCapacity(columnCount + 1)
        for c in 0..<columnCount { offsets.append(offsets[c] + Int(values[c])) }
        let entries = offsets[columnCount]
        guard values.count == columnCount + 2 * entries else {
            throw WireError.malformed("an all-to-all piece holds \(values.count) values, expected \(columnCount + 2 * entries)")
        }
        return try ColumnSlice(firstColumn: firstColumn, columnOffsets: offsets, rowIndices: Array(values[columnCount..<(columnCount + entries)]),
                               values: values[(columnCount + entries)...].map { Float(bitPattern: UInt32(bitPattern: $0)) })
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
        let rowStarts = try payload.int64s("blocks.row_starts"), columnStarts = try payload.int64s("columns.starts")
        guard rowStarts.count == Int(count) + 1, rowStarts.first == 0, zip(rowStarts, rowStarts.dropFirst()).allSatisfy({ $0 <= $1 }),
              let rows = rowStarts.last, rows <= Int64(maxRowCount),
              columnStarts.count >= 2, columnStarts.first == 0, columnStarts.last == Int64(beamlets),
              zip(columnStarts, columnStarts.dropFirst()).allSatisfy({ $0 <= $1 }) else {
            throw WireError.malformed("the block rows or column shares are invalid")
        }
        let typesText = try payload.text("objectives.types"), values = try payload.float64s("objectives.values")
        let types = typesText.isEmpty ? [] : typesText.split(separator: ",").map(String.init)
        guard values.count == 4 * types.count else { throw WireError.malformed("the objective fields disagree") }
        let functions = try types.indices.map { n in
            guard let type = ObjectiveType(rawValue: types[n]) else { throw WireError.malformed("unknown objective type \(types[n])") }
            let v = values[(4 * n)..<(4 * n + 4)].map { $0 }
            return (CostFunction.function(of: ObjectiveSpec(structure: "", type: type, doseGy: v[0], volumePct: v[1].isNaN ? nil : v[1],
                                                            eudA: v[2].isNaN ? nil : v[2], penalty: v[3])), v[3])
        }
        let rowRanges = (0..<Int(count)).map { Int(rowStarts[$0])..<Int(rowStarts[$0 + 1]) }
        let own = ids.map { rowRanges[Int($0)] }
        let structureVoxels = try payload.int64s("terms.structure_voxels")
        let voxelCounts = try payload.int64s("terms.voxel_counts"), voxels = try payload.int32s("terms.voxels")
        let doseOffsets = try payload["rows.offset_gy"].map { _ in try payload.float64s("rows.offset_gy") }
        let startWeights = try payload["start.weights"].map { _ in try payload.float64s("start.weights") }
        guard doseOffsets.map({ $0.count == own.reduce(0) { $0 + $1.count } }) ?? true,
              startWeights.map({ $0.count == beamlets && $0.allSatisfy { $0.isFinite && $0 >= 0 } }) ?? true else {
            throw WireError.malformed("the dose offsets or start weights disagree with the rows and beamlets")
        }
        guard structureVoxels.count == functions.count, structureVoxels.allSatisfy({ $0 >= 0 }),
              voxelCounts.count == own.count * functions.count, voxelCounts.allSatisfy({ $0 >= 0 && $0 <= Int64(voxels.count) }),
              voxelCounts.reduce(0, +) == Int64(voxels.count) else {
            throw WireError.malformed("the block term fields disagree")
        }
        let columns: ColumnSlice
        do {
            columns = try ColumnSlice(firstColumn: 0, columnOffsets: try payload.int64s("columns.offsets").map { Int($0) },
                                      rowIndices: try payload.int32s("columns.rows"), values: try payload.float32s("columns.dose"))
        } catch let error as OptimizationError {
            throw WireError.malformed("the column share is invalid: \(error)")
        }
        guard columns.rowIndices.allSatisfy({ Int64($0) < rows }) else { throw WireError.malformed("the column share holds rows beyond the grid") }
        var voxelStart = 0, rowStart = 0
        let terms = own.indices.map { i in
            functions.indices.map { t in
                let n = Int(voxelCounts[i * functions.count + t])
                defer { voxelStart += n }
                let local = Array(voxels[voxelStart..<(voxelStart + n)])
                return DoseObjective(function: functions[t].0, penalty: functions[t].1, voxels: local, structureVoxelCount: Int(structureVoxels[t]))
            }
        }
        let offsets = doseOffsets.map { all in
            own.map { range in
                defer { rowStart += range.count }
                return Array(all[rowStart..<(rowStart + range.count)])
            }
        }
        let noTerms = functions.indices.map { t in
            DoseObjective(function: functions[t].0, penalty: functions[t].1, voxels: [], structureVoxelCount: Int(structureVoxels[t]))
        }
        let blockTerms = terms.isEmpty ? [noTerms] : terms
        // The terms, penalties and offsets pass the cost block's checks now, before the all-to-all moves the matrix.
        for (i, objectives) in blockTerms.enumerated() {
            let rowCount = own.isEmpty ? 0 : own[i].count
            do {
                let noEntries = try Optimization.InfluenceMatrix(rowCount: rowCount, beamletCount: beamlets,
                                                                 rowOffsets: [Int](repeating: 0, count: rowCount + 1), beamletIndices: [], values: [])
                _ = try FluencePlanBlock(matrix: noEntries, objectives: objectives, doseOffsetGy: own.isEmpty ? nil : offsets?[i])
            } catch let error as OptimizationError {
                throw WireError.malformed("the terms of the member's block \(i): \(error)")
            }
        }
        return MemberTask(rowRanges: rowRanges, blockIDs: ids.map { Int($0) }, columnStarts: columnStarts.map { Int($0) }, columns: columns,
                          terms: blockTerms, doseOffsetsGy: offsets, beamletCount: beamlets, startWeight: optimizer[2],
                          startWeights: startWeights, optimizer: OptimizerSpec(maxIterations: Int(optimizer[0]), tolerance: optimizer[1]))
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
