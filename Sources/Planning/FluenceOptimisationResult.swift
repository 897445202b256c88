import Optimization

/// Outcome of a plan's fluence optimisation (before normalisation).
public struct FluenceOptimisationResult: Sendable {
    /// Beamlet weights, all ≥ 0, one per influence-matrix column.
    public let weights: [Double]
    /// Iterations (accepted steps).
    public let iterations: Int
    /// Cost-function evaluations, including the one at the start point.
    public let evaluations: Int
    /// Cost at the start point and after every iteration.
    public let objectiveHistory: [Double]
    /// Why the optimiser stopped.
    public let stopReason: StopReason
    /// Wall time of the minimisation (its iterations; not the set-up of the rows), seconds.
    public let seconds: Double

    /// Creates a result.
    public init(weights: [Double], iterations: Int, evaluations: Int, objectiveHistory: [Double], stopReason: StopReason, seconds: Double) {
        self.weights = weights
        self.iterations = iterations
        self.evaluations = evaluations
        self.objectiveHistory = objectiveHistory
        self.stopReason = stopReason
        self.seconds = seconds
    }

    /// Cost at the start point.
    public var objectiveInitial: Double { objectiveHistory.first ?? 0 }
    /// Cost at the returned weights.
    public var objectiveFinal: Double { objectiveHistory.last ?? 0 }
    /// Mean wall time per iteration, seconds (the whole time when no iteration was made).
    public var secondsPerIteration: Double { seconds / Double(max(iterations, 1)) }
}
