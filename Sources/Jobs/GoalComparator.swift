/// Direction of a plan goal: the metric must be at most (`max`, `<=`, `≤`) or at least (`min`, `>=`, `≥`) the value.
public enum GoalComparator: String, CaseIterable, Hashable, Sendable, Codable {
    /// metric ≤ value.
    case atMost = "max"
    /// metric ≥ value.
    case atLeast = "min"

    /// Spellings accepted in a spec, mapped to the comparator.
    public static let spellings: [String: GoalComparator] = [
        "max": .atMost, "<=": .atMost, "≤": .atMost,
        "min": .atLeast, ">=": .atLeast, "≥": .atLeast,
    ]

    /// True when `metric` satisfies the goal against `value` (both in the goal's unit).
    public func isMet(metric: Double, value: Double) -> Bool {
        switch self {
        case .atMost: return metric <= value
        case .atLeast: return metric >= value
        }
    }
}
