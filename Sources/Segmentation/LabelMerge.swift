/// The outcome of merging slab summaries: how each slab renames its local labels, and the
/// statistics of the global components.
public struct LabelMerge: Sendable, Hashable {
    /// `relabelTables[s][l]` is the global label of local label `l` of slab `s` (entry 0 is 0).
    public let relabelTables: [[Int32]]
    /// `components[g - 1]` describes global label `g`; identical to a single-volume labelling.
    public let components: [ComponentStatistics]
}
