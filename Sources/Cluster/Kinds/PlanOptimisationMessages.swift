import Core
import Dose
import Jobs
import Optimization
import Planning

/// The explicit mapping of a plan's optimisation task onto payloads (field names in Protocol.md). The task
/// carries what the optimiser needs and nothing else: the influence matrix (CSC, dose only), the structures on
/// the dose grid as run-length masks with their overlap priorities, the objectives resolved on the
/// coordinator, the prescription and the stopping rules. The worker rebuilds `FluenceOptimisation` (overlap
/// resolution included) and returns the weights with the optimiser's record.
enum PlanOptimisationMessages {
    /// What the coordinator sends.
    struct Problem {
        var influence: Dose.InfluenceMatrix
        var structures: DoseGridStructures
        var objectives: [ObjectiveSpec]
        var prescription: PrescriptionSpec
        var optimizer: OptimizerSpec
    }

    static func encode(_ problem: Problem) throws -> TaskPayload {
        var payload = TaskPayload()
        let m = problem.influence
        payload.setGrid(m.grid, as: "influence.grid")
        payload["influence.column_pointers"] = .int64(m.columnPointers)
        payload["influence.rows"] = .int32(m.rowIndices)
        payload["influence.dose"] = .float32(m.doseGy)
        let names = problem.structures.names
        if let bad = names.first(where: { $0.contains("\n") || $0.isEmpty }) {
            throw PlanKindError("structure name \"\(bad)\" cannot travel in a task (empty or holds a line break)")
        }
        payload["structures.names"] = .text(names.joined(separator: "\n"))
        payload["structures.priorities"] = .int64(names.map { Int64(problem.structures.overlapPriorities[$0] ?? Int.max) })
        let runs = names.map { runLengths(problem.structures.masks[$0]!) }
        payload["structures.run_counts"] = .int64(runs.map { Int64($0.count) })
        payload["structures.runs"] = .int32(runs.flatMap { $0 })
        let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, Int64($0)) })
        payload["objectives.structures"] = .int64(try problem.objectives.map { o in
            guard let i = index[o.structure] else { throw PlanKindError("objective structure \"\(o.structure)\" is not on the dose grid") }
            return i
        })
        payload["objectives.types"] = .text(problem.objectives.map(\.type.rawValue).joined(separator: ","))
        payload["objectives.values"] = .float64(problem.objectives.flatMap { [$0.doseGy, $0.volumePct ?? .nan, $0.eudA ?? .nan, $0.penalty] })
        payload["prescription.target"] = .text(problem.prescription.target)
        payload["prescription.dose_gy"] = .float64([problem.prescription.doseGy])
        payload["optimizer"] = .float64([Double(problem.optimizer.maxIterations), problem.optimizer.tolerance])
        return payload
    }

    static func decodeProblem(_ payload: TaskPayload) throws -> Problem {
        let grid = try payload.grid("influence.grid")
        let pointers = try payload.int64s("influence.column_pointers"), rows = try payload.int32s("influence.rows")
        let dose = try payload.float32s("influence.dose")
        guard let first = pointers.first, first == 0, pointers.last == Int64(rows.count), dose.count == rows.count,
              zip(pointers, pointers.dropFirst()).allSatisfy({ $0 <= $1 }) else {
            throw WireError.malformed("the influence matrix fields disagree")
        }
        let columns = (0..<(pointers.count - 1)).map { j in
            let range = Int(pointers[j])..<Int(pointers[j + 1])
            return BeamletColumn(beamletID: j, rowIndices: Array(rows[range]), doseGy: Array(dose[range]),
                                 uncertaintyGy: [Float](repeating: 0, count: range.count), bookkeeping: EnergyBookkeeping())
        }
        let influence = try Dose.InfluenceMatrix(grid: grid, columnCount: columns.count, columns: columns)
        let namesText = try payload.text("structures.names")
        let names = namesText.isEmpty ? [] : namesText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let priorities = try payload.int64s("structures.priorities"), runCounts = try payload.int64s("structures.run_counts")
        let runs = try payload.int32s("structures.runs")
        guard priorities.count == names.count, runCounts.count == names.count, runCounts.allSatisfy({ $0 >= 0 && $0 % 2 == 0 }),
              runCounts.reduce(0, +) == Int64(runs.count) else {
            throw WireError.malformed("the structure fields disagree")
        }
        var start = 0
        let contoured = try names.indices.map { n in
            let range = start..<(start + Int(runCounts[n]))
            start = range.upperBound
            return ContouredStructure(name: names[n], mask: try mask(runs: runs[range], grid: grid), overlapPriority: Int(priorities[n]))
        }
        let structures = try DoseGridStructures(contoured, doseGrid: grid)
        let indices = try payload.int64s("objectives.structures"), values = try payload.float64s("objectives.values")
        let typesText = try payload.text("objectives.types")
        let types = typesText.isEmpty ? [] : typesText.split(separator: ",").map(String.init)
        guard types.count == indices.count, values.count == 4 * indices.count else { throw WireError.malformed("the objective fields disagree") }
        let objectives = try indices.indices.map { n in
            guard let type = ObjectiveType(rawValue: types[n]) else { throw WireError.malformed("unknown objective type \(types[n])") }
            guard indices[n] >= 0, indices[n] < Int64(names.count) else { throw WireError.malformed("objective \(n) names no structure") }
            let v = values[(4 * n)..<(4 * n + 4)].map { $0 }
            return ObjectiveSpec(structure: names[Int(indices[n])], type: type, doseGy: v[0], volumePct: v[1].isNaN ? nil : v[1],
                                 eudA: v[2].isNaN ? nil : v[2], penalty: v[3])
        }
        let prescribed = try payload.float64s("prescription.dose_gy"), optimizer = try payload.float64s("optimizer")
        guard prescribed.count == 1, optimizer.count == 2, optimizer[0] >= 1, optimizer[0] <= 1e6, optimizer[0] == optimizer[0].rounded() else {
            throw WireError.malformed("the prescription or optimizer fields are invalid")
        }
        return Problem(influence: influence, structures: structures, objectives: objectives,
                       prescription: PrescriptionSpec(target: try payload.text("prescription.target"), doseGy: prescribed[0]),
                       optimizer: OptimizerSpec(maxIterations: Int(optimizer[0]), tolerance: optimizer[1]))
    }

    /// The worker side: rebuilds the problem and minimises the cost.
    static func execute(_ input: TaskPayload) throws -> TaskPayload {
        let problem = try decodeProblem(input)
        let optimisation = try FluenceOptimisation(influence: problem.influence, structures: problem.structures,
                                                   objectives: problem.objectives, prescription: problem.prescription)
        return encode(try optimisation.run(problem.optimizer))
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

    /// Boundaries [start, end) of the runs of non-zero voxels, in z-major index order.
    static func runLengths(_ mask: MaskVolume) -> [Int32] {
        var boundaries: [Int32] = [], inside = false
        for (i, v) in mask.voxels.enumerated() where (v != 0) != inside {
            boundaries.append(Int32(i))
            inside.toggle()
        }
        if inside { boundaries.append(Int32(mask.voxels.count)) }
        return boundaries
    }

    /// The mask of ``runLengths(_:)`` on `grid`; throws unless the boundaries increase within the grid.
    static func mask(runs: ArraySlice<Int32>, grid: Grid) throws -> MaskVolume {
        var voxels = [UInt8](repeating: 0, count: grid.voxelCount)
        var previous = -1
        for pair in stride(from: runs.startIndex, to: runs.endIndex, by: 2) {
            let lo = Int(runs[pair]), hi = Int(runs[pair + 1])
            guard lo > previous, lo < hi, hi <= grid.voxelCount else { throw WireError.malformed("mask runs are not increasing within the grid") }
            for i in lo..<hi { voxels[i] = 1 }
            previous = hi
        }
        return try MaskVolume(grid: grid, voxels: voxels)
    }
}
