import Jobs

/// A plan goal with its value on the normalised plan.
public struct GoalEvaluation: Sendable, Equatable {
    /// The goal as specified.
    public let goal: GoalSpec
    /// The metric's value: Gy for dose metrics, % for V_x.
    public let value: Double
    /// True when the goal is met.
    public let passed: Bool

    /// Creates an evaluated goal.
    public init(goal: GoalSpec, value: Double, passed: Bool) {
        self.goal = goal
        self.value = value
        self.passed = passed
    }

    /// `Gy` for dose metrics, `%` for V_x.
    public var unit: String { goal.metric.isDose ? "Gy" : "%" }
}
