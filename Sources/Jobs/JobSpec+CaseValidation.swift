import Core

extension JobSpec {
    /// Structures the job itself creates by segmentation (available to the rest of the job).
    public var producedStructures: [String] {
        switch work {
        case .segment(let s): return s.structures.map(\.rawValue)
        case .plan(let p): return p.segmentation?.structures.map(\.rawValue) ?? []
        case .dose, .selftest: return []
        }
    }

    /// Every structure name the job reads, with the key path that names it, in spec order.
    public var referencedStructures: [(keyPath: String, name: String)] {
        switch work {
        case .segment, .selftest:
            return []
        case .dose(let d):
            return d.target.map { [("target", $0)] } ?? []
        case .plan(let p):
            var refs: [(keyPath: String, name: String)] = p.dose.target.map { [("target", $0)] } ?? []
            refs.append(("prescription.target", p.prescription.target))
            if case .listed(let objectives) = p.objectives {
                for (i, o) in objectives.enumerated() { refs.append(("objectives[\(i)].structure", o.structure)) }
            }
            for (i, g) in p.goals.enumerated() { refs.append(("goals[\(i)].structure", g.structure)) }
            return refs
        }
    }

    /// Checks that every structure the job reads exists in the case or is produced by the job's own
    /// segmentation. Names match exactly (case-sensitive); the error lists the available names and
    /// points out a name that differs only in case.
    public func validate(againstCaseStructures caseStructures: [String]) throws(JobSpecError) {
        let available = Set(caseStructures).union(producedStructures)
        for ref in referencedStructures where !available.contains(ref.name) {
            let sameLetters = available.sorted().first { $0.lowercased() == ref.name.lowercased() }
            let hint = sameLetters.map { "; did you mean \(StructureName.shown($0))? (names are case-sensitive)" } ?? ""
            let listed = available.isEmpty ? "none" : available.sorted().map(StructureName.shown).joined(separator: ", ")
            throw JobSpecError(.unknownStructure, at: ref.keyPath,
                               "structure \(StructureName.shown(ref.name)) is not in the case or produced by the job\(hint); available: \(listed)")
        }
    }
}

extension JobSpec {
    /// The case structures that must hold voxels for the job to run: the dose target, the prescription target and
    /// the goals' structures, except those the job's own segmentation produces (objectives may act on nothing).
    public var structuresNeedingVoxels: Set<String> {
        Set(referencedStructures.filter { !$0.keyPath.hasPrefix("objectives") }.map(\.name)).subtracting(producedStructures)
    }

    /// Checks what must hold voxels before the job can run: the dose target, the prescription target and each goal's
    /// structure need at least one voxel of the case (`voxelCounts`, by name; structures the job's own segmentation
    /// produces are not known before it runs and pass), and `objectives: from_case` needs at least one objective
    /// stored in the case (`caseObjectiveCount`).
    public func validate(againstStructureVoxels voxelCounts: [String: Int], caseObjectiveCount: Int) throws(JobSpecError) {
        let needed = structuresNeedingVoxels
        for ref in referencedStructures where needed.contains(ref.name) {
            guard let count = voxelCounts[ref.name], count == 0 else { continue }
            throw JobSpecError(.invalidValue, at: ref.keyPath,
                               "structure \(StructureName.shown(ref.name)) has no voxel in the case, so the job cannot use it here")
        }
        if case .plan(let p) = work, case .fromCase = p.objectives, caseObjectiveCount == 0 {
            throw JobSpecError(.invalidValue, at: "objectives",
                               "from_case, but no structure of the case stores objectives (objectives_json); list the objectives in the spec")
        }
    }
}

extension JobSpec {
    /// Most voxels a dose or plan job's dose grid may have: ``Grid/maxDoseVoxels`` (2^27); a larger grid is refused at submit.
    public static let maxDoseGridVoxels = Grid.maxDoseVoxels

    /// The dose grid's voxel counts (x, y, z) for a CT of `ctSize` voxels at `ctSpacingMM`: the grid covers the
    /// CT's extent at the spec's spacing (``Grid/coveringCounts(_:spacingMM:at:)``, as `PatientModel.doseGrid` builds it). Nil for jobs without dose.
    public func doseGridSize(ctSize: SIMD3<Int>, ctSpacingMM: SIMD3<Double>) -> SIMD3<Int>? {
        guard let spacing = doseGridSpacingMM else { return nil }
        return Grid.coveringCounts(ctSize, spacingMM: ctSpacingMM, at: spacing)
    }

    /// Checks that the job's dose grid over a CT of `ctSize` voxels at `ctSpacingMM` has at most
    /// ``maxDoseGridVoxels`` voxels; the error names the grid and asks for a coarser `dose_grid.spacing_mm`.
    public func validate(againstCaseSize ctSize: SIMD3<Int>, ctSpacingMM: SIMD3<Double>) throws(JobSpecError) {
        guard let n = doseGridSize(ctSize: ctSize, ctSpacingMM: ctSpacingMM), let spacing = doseGridSpacingMM else { return }
        let (xy, overflowXY) = n.x.multipliedReportingOverflow(by: n.y)
        let (voxels, overflow) = xy.multipliedReportingOverflow(by: n.z)
        guard overflowXY || overflow || voxels > Self.maxDoseGridVoxels else { return }
        let extent = ctSpacingMM * SIMD3(Double(ctSize.x), Double(ctSize.y), Double(ctSize.z))
        let mm = { (v: SIMD3<Double>) in [v.x, v.y, v.z].map { String(format: "%g", $0) }.joined(separator: " × ") }
        let count = overflowXY || overflow ? "more than \(Int.max)" : "\(voxels)"
        throw JobSpecError(.outOfRange, at: "dose_grid.spacing_mm",
                           "a \(mm(spacing)) mm dose grid over the case's CT (\(mm(extent)) mm) has \(n.x) × \(n.y) × \(n.z) = \(count) voxels, more than the \(Self.maxDoseGridVoxels) a job may use; choose a coarser dose_grid.spacing_mm")
    }

    /// The dose grid spacing (x, y, z) in mm of a dose or plan job; nil for other jobs.
    public var doseGridSpacingMM: SIMD3<Double>? { doseCalculation?.doseGridSpacingMM }

    /// The dose calculation of a dose or plan job; nil for other jobs.
    public var doseCalculation: DoseCalculationSpec? {
        switch work {
        case .dose(let d): return d
        case .plan(let p): return p.dose
        case .segment, .selftest: return nil
        }
    }
}
