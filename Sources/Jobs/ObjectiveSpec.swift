/// One term of the optimisation cost function: `penalty × f(dose in structure)`, with f given by `type`.
public struct ObjectiveSpec: Hashable, Sendable {
    /// Structure whose voxels the objective reads.
    public var structure: String
    /// Objective function.
    public var type: ObjectiveType
    /// Reference dose D in Gy, range [0, 200].
    public var doseGy: Double
    /// DVH volume V in %, range [0, 100]; set exactly for `min_dvh` and `max_dvh`.
    public var volumePct: Double?
    /// EUD exponent a, range [−100, 100] without 0; set exactly for `eud`.
    public var eudA: Double?
    /// Weight of the term, range (0, 10^6] (default 1).
    public var penalty: Double

    /// Creates an objective; values are taken as given (ranges and type-specific fields are checked by the parser).
    public init(structure: String, type: ObjectiveType, doseGy: Double, volumePct: Double? = nil, eudA: Double? = nil,
                penalty: Double = 1) {
        self.structure = structure
        self.type = type
        self.doseGy = doseGy
        self.volumePct = volumePct
        self.eudA = eudA
        self.penalty = penalty
    }
}
