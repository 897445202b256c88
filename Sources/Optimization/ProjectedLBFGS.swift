/// The cost and its gradient at a point; in a distributed plan, already summed over ranks (identical on every rank).
public typealias ObjectiveAndGradient = ([Double]) throws -> (objective: Double, gradient: [Double])

/// A projected limited-memory BFGS method for min f(w) subject to l ≤ w ≤ u (beamlet weights w ≥ 0).
///
/// Each iteration fixes the variables at a bound whose gradient points outwards, builds the
/// L-BFGS direction −H g on the others (two-loop recursion with OpenBLAS ddot/daxpy), and
/// backtracks along the projected path P(w + α d) until the Armijo condition
/// f(w(α)) ≤ f(w) + c₁ gᵀ(w(α) − w) holds; when that fails the memory is dropped and the
/// projected steepest-descent path is searched instead. Correction pairs with sᵀy ≤ 1e-10 yᵀy
/// are skipped. The method has no randomness and no data-dependent threading, so the same inputs
/// give the same iterates; ranks that receive identical summed values stay in lock-step.
public struct ProjectedLBFGS: Sendable {
    /// Stopping rules and parameters.
    public var options: QuasiNewtonOptions

    /// Creates an optimiser.
    public init(options: QuasiNewtonOptions = QuasiNewtonOptions()) { self.options = options }

    /// Minimises `evaluate` from `start` within `lowerBounds` ≤ w ≤ `upperBounds` (default 0 and +∞).
    public func minimize(start: [Double], lowerBounds: [Double]? = nil, upperBounds: [Double]? = nil,
                         evaluate: ObjectiveAndGradient) throws -> OptimizationResult {
        let n = start.count
        let lower = lowerBounds ?? [Double](repeating: 0, count: n)
        let upper = upperBounds ?? [Double](repeating: .infinity, count: n)
        guard lower.count == n, upper.count == n, n > 0, zip(lower, upper).allSatisfy({ $0 <= $1 }) else {
            throw OptimizationError.dimensionMismatch("\(n) variables, \(lower.count) lower and \(upper.count) upper bounds (l ≤ u required)")
        }
        let box = Box(lower: lower, upper: upper)
        var x = box.project(start)
        var (f, g) = try checked(evaluate, x, n)
        var evaluations = 1
        var memory = CorrectionMemory(capacity: max(1, options.memory))
        var history = [f]
        var iterations = 0
        var reason = StopReason.iterationLimit
        while true {
            if box.projectedGradientNorm(x, g) <= options.projectedGradientTolerance { reason = .projectedGradient; break }
            if iterations >= options.maxIterations { reason = .iterationLimit; break }
            let free = box.freeVariables(x, g)
            var step = try lineSearch(x: x, f: f, g: g, direction: memory.direction(gradient: g, free: free), box: box,
                                      firstStep: memory.isEmpty, evaluate: evaluate, evaluations: &evaluations)
            if step == nil && !memory.isEmpty {
                memory.clear()
                step = try lineSearch(x: x, f: f, g: g, direction: memory.direction(gradient: g, free: free), box: box,
                                      firstStep: true, evaluate: evaluate, evaluations: &evaluations)
            }
            guard let (xNew, fNew, gNew) = step else { reason = .lineSearchFailure; break }
            var s = xNew
            BLASVector.axpy(-1, x, &s)
            var y = gNew
            BLASVector.axpy(-1, g, &y)
            memory.append(s: s, y: y)
            let change = f - fNew
            let scale = max(abs(f), abs(fNew))
            x = xNew; f = fNew; g = gNew
            iterations += 1
            history.append(f)
            if change <= options.relativeObjectiveTolerance * scale { reason = .relativeObjectiveChange; break }
        }
        return OptimizationResult(weights: x, objective: f, gradient: g, iterations: iterations, evaluations: evaluations,
                                  stopReason: reason, projectedGradientNorm: box.projectedGradientNorm(x, g), objectiveHistory: history)
    }

    /// Backtracking along P(x + α d); nil when no step of the allowed count satisfies Armijo or d is not a descent direction.
    private func lineSearch(x: [Double], f: Double, g: [Double], direction d: [Double], box: Box, firstStep: Bool,
                            evaluate: ObjectiveAndGradient, evaluations: inout Int) throws -> ([Double], Double, [Double])? {
        let slope = BLASVector.dot(g, d)
        guard slope < 0, slope.isFinite else { return nil }
        var alpha = 1.0
        if firstStep {
            let norm = BLASVector.dot(d, d).squareRoot()
            alpha = min(1, 1 / norm)
        }
        for _ in 0..<max(1, options.maxLineSearchSteps) {
            var trial = x
            BLASVector.axpy(alpha, d, &trial)
            trial = box.project(trial)
            var move = trial
            BLASVector.axpy(-1, x, &move)
            let decrease = BLASVector.dot(g, move)
            if decrease == 0 && trial == x { return nil }
            let (ft, gt) = try checked(evaluate, trial, x.count)
            evaluations += 1
            if ft.isFinite && decrease < 0 && ft <= f + options.armijoConstant * decrease { return (trial, ft, gt) }
            alpha *= 0.5
        }
        return nil
    }

    private func checked(_ evaluate: ObjectiveAndGradient, _ x: [Double], _ n: Int) throws -> (Double, [Double]) {
        let (f, g) = try evaluate(x)
        guard g.count == n else { throw OptimizationError.dimensionMismatch("gradient has \(g.count) entries for \(n) variables") }
        return (f, g)
    }
}
