/// Sums a small vector element-wise over all ranks in place (an allreduce with MPI_SUM); on one
/// process it does nothing. Every rank must receive identical sums.
public typealias StatisticsReduction = (inout [Double]) -> Void

/// The statistics reduction of several blocks on one rank: given one local vector per block (equal lengths),
/// returns the element-wise sum over all blocks of all ranks, identical on every rank (or throws, e.g. when
/// another rank failed).
public typealias BlockStatisticsReduction = ([[Double]]) throws -> [Double]

/// The fluence-optimisation problem restricted to one rank's rows of the influence matrix: the
/// voxels of its dose-grid slab and the objective terms on them.
///
/// Per iteration a rank calls ``evaluate(weights:reduceStatistics:)`` and the caller sums the
/// returned objective and gradient over ranks with one allreduce of `beamletCount + 1` values.
/// Terms that are not sums over voxels need global statistics first, which the block obtains
/// through `reduceStatistics` (all ranks call it the same number of times, with vectors of the
/// same length): none when every term is a squared deviation/underdose/overdose; one reduction of
/// one value per term (dose sum for mean dose, power sum for EUD) merged with the first of eight
/// 256-bin histogram reductions that select the exact dose at volume for min/max-DVH terms.
/// Every rank therefore holds the same list of terms in the same order (a term's voxel set may be
/// empty on a rank) with the global `structureVoxelCount`.
public struct FluencePlanBlock: Sendable {
    /// The rows of this rank.
    public let matrix: InfluenceMatrix
    /// Terms of the cost function, with voxel indices local to `matrix`.
    public let objectives: [DoseObjective]
    /// A fixed dose in Gy added to every row's D·w in the cost (one per row), e.g. a Monte Carlo correction; nil
    /// for none. The gradient is unchanged, ∂(D w + c)/∂w = D.
    public let doseOffsetGy: [Double]?

    /// Creates a block after validating term parameters, penalties, voxel indices and the offset (one finite value per row).
    public init(matrix: InfluenceMatrix, objectives: [DoseObjective], doseOffsetGy: [Double]? = nil) throws {
        if let offset = doseOffsetGy {
            guard offset.count == matrix.rowCount else {
                throw OptimizationError.dimensionMismatch("\(offset.count) dose offsets for \(matrix.rowCount) rows")
            }
            if let i = offset.firstIndex(where: { !$0.isFinite }) { throw OptimizationError.invalidObjective("dose offset \(i) is \(offset[i])") }
        }
        for (i, o) in objectives.enumerated() {
            try o.function.validate()
            guard o.penalty.isFinite, o.penalty > 0 else { throw OptimizationError.invalidObjective("term \(i): penalty \(o.penalty)") }
            if let bad = o.voxels.first(where: { $0 < 0 || Int($0) >= matrix.rowCount }) {
                throw OptimizationError.invalidObjective("term \(i): voxel \(bad) outside 0..<\(matrix.rowCount)")
            }
            guard o.structureVoxelCount >= o.voxels.count else {
                throw OptimizationError.invalidObjective("term \(i): structure has \(o.structureVoxelCount) voxels, block \(o.voxels.count)")
            }
        }
        self.matrix = matrix
        self.objectives = objectives
        self.doseOffsetGy = doseOffsetGy
    }

    /// The dose the cost sees at `weights`: D·w of the rows plus ``doseOffsetGy`` when set.
    public func doseGy(weights: [Double]) -> [Double] {
        var dose = matrix.dose(weights: weights)
        if let offset = doseOffsetGy {
            for i in dose.indices { dose[i] += offset[i] }
        }
        return dose
    }

    /// True when some term needs global statistics (mean dose, EUD, DVH terms).
    public var needsStatistics: Bool {
        objectives.contains { o in
            switch o.function {
            case .squaredDeviation, .squaredUnderdose, .squaredOverdose: return false
            default: return true
            }
        }
    }

    /// This rank's part of the cost and of its gradient at `weights` (length `beamletCount`).
    public func evaluate(weights: [Double], reduceStatistics: StatisticsReduction = { _ in }) -> PartialEvaluation {
        Self.evaluate([self], weights: weights) { local in
            var vector = local[0]
            reduceStatistics(&vector)
            return vector
        }[0]
    }

    /// The partial evaluations of several blocks of one rank that share the list of terms (same functions,
    /// penalties and `structureVoxelCount`, different rows), kept apart so that the caller can sum them over
    /// ranks in a fixed block order. Global statistics are reduced together: `reduceStatistics` receives one
    /// local vector per block (all of the same length) and returns the global vector, the element-wise sum over
    /// every block of every rank; it is called the same number of times on every rank (one call when only
    /// mean-dose or EUD terms need statistics, eight with min/max-DVH terms, none otherwise).
    public static func evaluate(_ blocks: [FluencePlanBlock], weights: [Double],
                                reduceStatistics: BlockStatisticsReduction) rethrows -> [PartialEvaluation] {
        guard let first = blocks.first else { return [] }
        let doses = blocks.map { $0.doseGy(weights: weights) }
        let stats = try globalStatistics(blocks, doses: doses, reduce: reduceStatistics)
        return blocks.indices.map { b in
            let block = blocks[b]
            var doseGradient = [Double](repeating: 0, count: block.matrix.rowCount)
            var terms = [Double](repeating: 0, count: first.objectives.count)
            for (t, o) in block.objectives.enumerated() {
                terms[t] = TermEvaluation.accumulate(o, statistics: stats[b][t], doseGy: doses[b], gradient: &doseGradient)
            }
            var gradient = [Double](repeating: 0, count: block.matrix.beamletCount)
            block.matrix.transposeProduct(doseGradient, into: &gradient)
            return PartialEvaluation(objective: terms.reduce(0, +), gradient: gradient, termObjectives: terms)
        }
    }

    /// Global dose sum (or power sum for EUD) and dose at volume of every term, per block.
    private static func globalStatistics(_ blocks: [FluencePlanBlock], doses: [[Double]],
                                         reduce: BlockStatisticsReduction) rethrows -> [[TermStatistics]] {
        let objectives = blocks[0].objectives
        var result = blocks.map { block in block.objectives.map { TermStatistics(localCount: $0.voxels.count, count: $0.structureVoxelCount) } }
        guard blocks[0].needsStatistics else { return result }
        let dvhTerms = objectives.indices.filter { objectives[$0].function.dvhVolumePct != nil }
        let bins = DoseRankSelection.binCount
        var selections = dvhTerms.map { t in
            DoseRankSelection(rank: DoseRankSelection.rank(volumePct: objectives[t].function.dvhVolumePct!, count: objectives[t].structureVoxelCount))
        }
        let local = blocks.indices.map { b in
            var vector = [Double](repeating: 0, count: objectives.count + bins * dvhTerms.count)
            for (t, o) in blocks[b].objectives.enumerated() { vector[t] = TermEvaluation.localSum(o, doseGy: doses[b]) }
            blocks[b].fillHistograms(&vector, offset: objectives.count, terms: dvhTerms, selections: selections, doseGy: doses[b])
            return vector
        }
        var vector = try reduce(local)
        for b in blocks.indices { for t in objectives.indices { result[b][t].sum = vector[t] } }
        for round in 0..<DoseRankSelection.roundCount {
            if round > 0 {
                vector = try reduce(blocks.indices.map { b in
                    var histograms = [Double](repeating: 0, count: bins * dvhTerms.count)
                    blocks[b].fillHistograms(&histograms, offset: 0, terms: dvhTerms, selections: selections, doseGy: doses[b])
                    return histograms
                })
            }
            let offset = round == 0 ? objectives.count : 0
            for j in dvhTerms.indices {
                let start = offset + bins * j
                selections[j].advance(histogram: vector[start..<(start + bins)])
            }
        }
        for b in blocks.indices { for (j, t) in dvhTerms.enumerated() { result[b][t].doseAtVolumeGy = selections[j].doseGy } }
        return result
    }

    private func fillHistograms(_ vector: inout [Double], offset: Int, terms: [Int], selections: [DoseRankSelection], doseGy: [Double]) {
        let bins = DoseRankSelection.binCount
        doseGy.withUnsafeBufferPointer { d in
            vector.withUnsafeMutableBufferPointer { v in
                for (j, t) in terms.enumerated() {
                    let slice = UnsafeMutableBufferPointer(rebasing: v[(offset + bins * j)..<(offset + bins * (j + 1))])
                    selections[j].accumulate(doseGy: d, voxels: objectives[t].voxels, into: slice)
                }
            }
        }
    }
}
