/// Stopping rules of the fluence optimiser.
public struct OptimizerSpec: Hashable, Sendable {
    /// Iteration limit, 1…10000 (default 500).
    public var maxIterations: Int
    /// Stop when the relative decrease of the cost over one iteration falls below this, range [1e-12, 0.1] (default 1e-6).
    public var tolerance: Double
    /// Iteration limit of the optimisations whose fluence only starts a Monte Carlo correction round (the first
    /// optimisation and every re-optimisation but the last), 1…10000; nil: `maxIterations` (default).
    public var intermediateMaxIterations: Int?

    /// Creates optimiser settings; values are taken as given (ranges are checked by the parser).
    public init(maxIterations: Int = 500, tolerance: Double = 1e-6, intermediateMaxIterations: Int? = nil) {
        self.maxIterations = maxIterations
        self.tolerance = tolerance
        self.intermediateMaxIterations = intermediateMaxIterations
    }
}
