/// A plan goal checked after optimisation, e.g. PTV D95 ≥ 50 Gy or lung V20Gy ≤ 30 %.
public struct GoalSpec: Hashable, Sendable {
    /// Structure the metric is evaluated on.
    public var structure: String
    /// DVH metric.
    public var metric: DoseMetric
    /// Whether the metric must be at most or at least `value`.
    public var comparator: GoalComparator
    /// Threshold: Gy when `metric.isDose` (range [0, 200], spec key `value_gy`), else % (range [0, 100], key `value_pct`).
    public var value: Double

    /// Creates a goal; values are taken as given (ranges and units are checked by the parser).
    public init(structure: String, metric: DoseMetric, comparator: GoalComparator, value: Double) {
        self.structure = structure
        self.metric = metric
        self.comparator = comparator
        self.value = value
    }
}
