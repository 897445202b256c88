extension JobSpec {
    /// The spec as normalised YAML for the registry and result provenance: fixed key order, every
    /// default written out, strings quoted, numbers in shortest round-trip form. Parsing it gives a
    /// spec equal to `self`, and equal specs give identical text.
    public func canonicalYAML() -> String {
        var w = YAMLWriter()
        w.line("kind", kind.rawValue)
        if let name { w.line("name", YAMLWriter.quoted(name)) }
        w.line("priority", String(priority))
        w.line("seed", String(seed))
        w.line("max_attempts", String(maxAttempts))
        switch work {
        case .segment(let s): s.write(to: &w)
        case .dose(let d): d.write(to: &w)
        case .plan(let p): p.write(to: &w)
        case .selftest(let t): t.write(to: &w)
        }
        return w.text
    }
}
