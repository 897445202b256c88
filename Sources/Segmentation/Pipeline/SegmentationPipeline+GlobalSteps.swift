import Core

extension SegmentationPipeline {
    /// Runs global step `step` on the coordinator: merges the summaries of the labellings of the
    /// previous local step and records class tables and scalar decisions in `state`.
    public func runGlobal(step: GlobalStepID, state: inout SegmentationState) throws {
        switch step {
        case .selectBody:
            let merged = try merge(Self.bodyParts, state)
            let classes = BodyRecipe.select(merged.components, grid: grid, request)
            state.classTables[Self.bodyParts] = tables(merged, classes)
            var weighted = 0.0, total = 0
            for (c, k) in zip(merged.components, classes) where k != 0 {
                weighted += c.centroidMM.x * Double(c.voxelCount)
                total += c.voxelCount
            }
            let e = try StructuringBall(radiusMM: request.bodyOpeningRadiusMM, spacingMM: grid.spacingMM).halfExtent
            let kept = zip(merged.components, classes).filter { $0.1 != 0 }.map(\.0)
            for (k, v) in BodyCrop.decisions(kept: kept, marginVoxels: SIMD2(e.x + 1, e.y + 1), grid: grid) { state.decisions[k] = v }
            state.decisions[Self.bodyCentreXMM] = total > 0 ? weighted / Double(total) : grid.originMM.x + Double(grid.nx - 1) * grid.spacingMM.x / 2
        case .selectAirwayAndBones:
            let centre = state.decisions[Self.bodyCentreXMM] ?? 0
            if state.summaries[Self.airwayCandidates] != nil {
                let merged = try merge(Self.airwayCandidates, state)
                let summaries = state.summaries[Self.airwayCandidates]!
                let lastTable = merged.relabelTables[summaries.count - 1]
                let top = summaries[summaries.count - 1].lastSliceLabels.map { lastTable[Int($0)] }
                let classes = AirwayRecipe.select(merged.components, topSlice: top, grid: grid, bodyCentreXMM: centre)
                state.classTables[Self.airwayCandidates] = tables(merged, classes)
            }
            if state.summaries[Self.boneCandidates] != nil {
                let merged = try merge(Self.boneCandidates, state)
                let cortical = try globalCounts(Self.boneCandidates + ".cortical", merged, state)
                state.classTables[Self.boneCandidates] = tables(merged, BoneRecipe.select(merged.components, corticalCounts: cortical))
            }
        case .selectLungsAndCanal:
            let centre = state.decisions[Self.bodyCentreXMM] ?? 0
            if state.summaries[Self.lungCandidates] != nil {
                let merged = try merge(Self.lungCandidates, state)
                let air = try globalCounts(Self.lungCandidates + ".pureAir", merged, state)
                let choice = LungRecipe.select(merged.components, pureAirCounts: air, bodyCentreXMM: centre, request)
                state.classTables[Self.lungCandidates] = tables(merged, choice.classes)
                state.decisions[Self.lungSplitXMM] = choice.splitXMM
            }
            if state.summaries[Self.canalCandidates] != nil {
                let merged = try merge(Self.canalCandidates, state)
                state.classTables[Self.canalCandidates] = tables(merged, SpinalCanalRecipe.select(merged.components, bodyCentreXMM: centre))
            }
        }
    }

    /// The distributed-labelling merge of labelling `name`.
    func merge(_ name: String, _ state: SegmentationState) throws -> LabelMerge {
        guard let summaries = state.summaries[name] else {
            throw SegmentationError.inconsistentSlabs("labelling '\(name)' was not produced by the previous local step")
        }
        let connectivity: Connectivity = [Self.bodyParts, Self.boneCandidates, Self.airwayCandidates].contains(name) ? .twentySix : .six
        return try DistributedLabelling.merge(summaries, grid: grid, connectivity: connectivity)
    }

    /// Per-slab tables local label → class from the class of each global component.
    func tables(_ merged: LabelMerge, _ classes: [UInt8]) -> [[UInt8]] {
        merged.relabelTables.map { table in table.map { $0 == 0 ? 0 : classes[Int($0) - 1] } }
    }

    /// Per-global-component sums of the per-slab counts `name`.
    func globalCounts(_ name: String, _ merged: LabelMerge, _ state: SegmentationState) throws -> [Int64] {
        guard let perSlab = state.counts[name], perSlab.count == merged.relabelTables.count else {
            throw SegmentationError.inconsistentSlabs("counts '\(name)' missing or not one per slab")
        }
        var total = [Int64](repeating: 0, count: merged.components.count)
        for (counts, table) in zip(perSlab, merged.relabelTables) {
            guard counts.count == table.count - 1 else {
                throw SegmentationError.inconsistentSlabs("counts '\(name)' have \(counts.count) entries for \(table.count - 1) labels")
            }
            for (l, n) in counts.enumerated() { total[Int(table[l + 1]) - 1] += n }
        }
        return total
    }
}
