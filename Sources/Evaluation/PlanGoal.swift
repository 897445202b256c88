/// A clinical goal on a structure's DVH metric, e.g. PTV D95 ≥ 50 Gy or Core D10 ≤ 25 Gy.
public struct PlanGoal: Hashable, Sendable {
    /// Whether the metric must stay at most or at least the value.
    public enum Comparator: String, Hashable, Sendable {
        /// metric ≤ value.
        case atMost = "max"
        /// metric ≥ value.
        case atLeast = "min"
    }

    /// Structure name.
    public var structure: String
    /// DVH metric.
    public var metric: DVHMetric
    /// Direction of the goal.
    public var comparator: Comparator
    /// Threshold in the metric's unit (Gy, or % for V_x).
    public var value: Double

    /// Creates a goal.
    public init(structure: String, metric: DVHMetric, comparator: Comparator, value: Double) {
        self.structure = structure
        self.metric = metric
        self.comparator = comparator
        self.value = value
    }

    /// Reads the metric from `structures` (keyed by name) and compares it with the threshold.
    public func evaluate(_ structures: [String: StructureDose]) throws -> GoalResult {
        guard let s = structures[structure] else { throw EvaluationError.emptyStructure(structure) }
        let v = s.value(of: metric)
        let passed = comparator == .atMost ? v <= value : v >= value
        return GoalResult(goal: self, measured: v, passed: passed)
    }
}

/// A goal with the value measured on the plan and whether it is met.
public struct GoalResult: Hashable, Sendable {
    /// The goal.
    public let goal: PlanGoal
    /// The metric's value on the plan (Gy, or % for V_x).
    public let measured: Double
    /// True when the goal is met.
    public let passed: Bool
}
