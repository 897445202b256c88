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
            let hint = sameLetters.map { "; did you mean \"\($0)\"? (names are case-sensitive)" } ?? ""
            let listed = available.isEmpty ? "none" : available.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
            throw JobSpecError(.unknownStructure, at: ref.keyPath,
                               "structure \"\(ref.name)\" is not in the case or produced by the job\(hint); available: \(listed)")
        }
    }
}
