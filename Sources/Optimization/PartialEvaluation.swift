/// A rank's share of the cost function and its gradient with respect to the beamlet weights.
/// Summing `objective`, `gradient` and `termObjectives` element-wise over all ranks (one allreduce)
/// gives the full values.
public struct PartialEvaluation: Sendable, Equatable {
    /// This block's part of the total cost Σ penalty × f.
    public var objective: Double
    /// This block's part of ∂cost/∂w, length = number of beamlets.
    public var gradient: [Double]
    /// This block's part of each term's penalty × f, in the order of the objectives.
    public var termObjectives: [Double]
}
