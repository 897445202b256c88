/// Stopping rules and parameters of ``ProjectedLBFGS``.
public struct QuasiNewtonOptions: Sendable, Equatable {
    /// Iteration cap (default 500).
    public var maxIterations: Int
    /// Stop when (f_old − f_new) ≤ tolerance × max(|f_old|, |f_new|) after an iteration (default 1e-9).
    public var relativeObjectiveTolerance: Double
    /// Stop when the projected-gradient norm ‖P(w − g) − w‖∞ falls to this (default 1e-8, in cost units per weight).
    public var projectedGradientTolerance: Double
    /// Correction pairs kept (default 10).
    public var memory: Int
    /// Backtracking steps per line search before giving up (default 40).
    public var maxLineSearchSteps: Int
    /// Sufficient-decrease constant c₁ of the Armijo condition (default 1e-4).
    public var armijoConstant: Double

    /// Creates options; values are clamped to sensible minima by the optimiser.
    public init(maxIterations: Int = 500, relativeObjectiveTolerance: Double = 1e-9, projectedGradientTolerance: Double = 1e-8,
                memory: Int = 10, maxLineSearchSteps: Int = 40, armijoConstant: Double = 1e-4) {
        self.maxIterations = maxIterations
        self.relativeObjectiveTolerance = relativeObjectiveTolerance
        self.projectedGradientTolerance = projectedGradientTolerance
        self.memory = memory
        self.maxLineSearchSteps = maxLineSearchSteps
        self.armijoConstant = armijoConstant
    }
}
