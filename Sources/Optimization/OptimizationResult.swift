/// Why the optimiser stopped.
public enum StopReason: String, Sendable, Equatable, Codable {
    /// The relative decrease of the cost over one iteration fell below the tolerance.
    case relativeObjectiveChange = "relative_objective_change"
    /// The projected-gradient norm fell below the tolerance (first-order optimality within bounds).
    case projectedGradient = "projected_gradient"
    /// The iteration cap was reached.
    case iterationLimit = "iteration_limit"
    /// No step along the projected steepest-descent path decreased the cost (rounding-limited).
    case lineSearchFailure = "line_search_failure"
}

/// Outcome of a bound-constrained minimisation.
public struct OptimizationResult: Sendable, Equatable {
    /// Final variables (beamlet weights), within the bounds.
    public var weights: [Double]
    /// Cost at `weights`.
    public var objective: Double
    /// Gradient at `weights`.
    public var gradient: [Double]
    /// Iterations (accepted steps) done.
    public var iterations: Int
    /// Calls of the objective closure, including the one at the start point.
    public var evaluations: Int
    /// Why the optimiser stopped.
    public var stopReason: StopReason
    /// ‖P(w − g) − w‖∞ at `weights`.
    public var projectedGradientNorm: Double
    /// Cost at the start and after each iteration.
    public var objectiveHistory: [Double]
}
