/// The plan contract's `metrics_json` (a plan result's attribute, the bundle's `metrics.json`): prescription,
/// per-structure DVH metrics, plan indices, clinical goals and the optimiser's summary. Every part but
/// `structures` is optional; unknown keys are ignored when reading. Keys are snake_case.
public struct PlanMetrics: Codable, Sendable, Equatable {
    /// The prescription and normalisation of a plan.
    public struct Prescription: Codable, Sendable, Equatable {
        public var target: String?
        public var doseGy: Double?
        public var fractions: Int?
        public var normalise: String?
        public var factor: Double?
        enum CodingKeys: String, CodingKey { case target, doseGy = "dose_gy", fractions, normalise, factor }

        /// A prescription of `doseGy` in `fractions` to `target`, normalised by `normalise` with `factor`.
        public init(target: String?, doseGy: Double?, fractions: Int?, normalise: String?, factor: Double?) {
            self.target = target
            self.doseGy = doseGy
            self.fractions = fractions
            self.normalise = normalise
            self.factor = factor
        }
    }

    /// DVH metrics of one structure (doses in Gy; `vGy` maps a dose in Gy, as text, to a volume in %).
    public struct StructureMetrics: Codable, Sendable, Equatable {
        public var name: String
        public var voxels: Int?
        public var volumeCM3: Double?
        public var dmeanGy: Double?, dminGy: Double?, dmaxGy: Double?
        public var d2Gy: Double?, d5Gy: Double?, d10Gy: Double?, d50Gy: Double?, d95Gy: Double?, d98Gy: Double?
        public var vGy: [String: Double]?
        enum CodingKeys: String, CodingKey {
            case name, voxels, volumeCM3 = "volume_cm3", dmeanGy = "dmean_gy", dminGy = "dmin_gy", dmaxGy = "dmax_gy"
            case d2Gy = "d2_gy", d5Gy = "d5_gy", d10Gy = "d10_gy", d50Gy = "d50_gy", d95Gy = "d95_gy", d98Gy = "d98_gy", vGy = "v_gy"
        }

        /// Metrics of `name` with only the volume known.
        public init(name: String, voxels: Int?, volumeCM3: Double?) {
            self.name = name
            self.voxels = voxels
            self.volumeCM3 = volumeCM3
        }
    }

    /// Whole-plan quality indices.
    public struct PlanIndices: Codable, Sendable, Equatable {
        public var homogeneityIndex: Double?
        public var paddickCI: Double?
        public var ciIsodoseGy: Double?
        enum CodingKeys: String, CodingKey { case homogeneityIndex = "homogeneity_index", paddickCI = "paddick_ci", ciIsodoseGy = "ci_isodose_gy" }

        /// Homogeneity index, Paddick conformity index and the isodose it was computed for.
        public init(homogeneityIndex: Double?, paddickCI: Double?, ciIsodoseGy: Double?) {
            self.homogeneityIndex = homogeneityIndex
            self.paddickCI = paddickCI
            self.ciIsodoseGy = ciIsodoseGy
        }
    }

    /// One clinical goal and whether the plan meets it.
    public struct Goal: Codable, Sendable, Equatable {
        public var structure: String
        public var metric: String
        public var comparator: String
        public var limit: Double
        public var unit: String?
        public var value: Double?
        public var passed: Bool

        /// Goal `metric comparator limit` on `structure` with the plan's `value`.
        public init(structure: String, metric: String, comparator: String, limit: Double, unit: String?, value: Double?, passed: Bool) {
            self.structure = structure
            self.metric = metric
            self.comparator = comparator
            self.limit = limit
            self.unit = unit
            self.value = value
            self.passed = passed
        }
    }

    /// What the fluence optimiser reported.
    public struct Optimizer: Codable, Sendable, Equatable {
        public var iterations: Int?
        public var objectiveInitial: Double?
        public var objectiveFinal: Double?
        public var stopReason: String?
        enum CodingKeys: String, CodingKey {
            case iterations, objectiveInitial = "objective_initial", objectiveFinal = "objective_final", stopReason = "stop_reason"
        }

        /// The optimiser's iteration count, initial and final objective and why it stopped.
        public init(iterations: Int?, objectiveInitial: Double?, objectiveFinal: Double?, stopReason: String?) {
            self.iterations = iterations
            self.objectiveInitial = objectiveInitial
            self.objectiveFinal = objectiveFinal
            self.stopReason = stopReason
        }
    }

    public var prescription: Prescription?
    public var structures: [StructureMetrics]
    public var plan: PlanIndices?
    public var goals: [Goal]?
    public var optimizer: Optimizer?
    /// Why some numbers may be unreliable (e.g. a noisy dose), in words; absent when there is none.
    public var warnings: [String]?

    /// Metrics with only per-structure values.
    public init(structures: [StructureMetrics]) {
        self.structures = structures
    }

    /// A complete document.
    public init(prescription: Prescription?, structures: [StructureMetrics], plan: PlanIndices?, goals: [Goal]?, optimizer: Optimizer?) {
        self.prescription = prescription
        self.structures = structures
        self.plan = plan
        self.goals = goals
        self.optimizer = optimizer
    }

    /// `"20"` for 20 Gy, `"2.5"` for 2.5 Gy: the key of a V_x entry in ``StructureMetrics/vGy``.
    public static func levelKey(_ gy: Double) -> String {
        gy == gy.rounded() && abs(gy) < 1e15 ? String(Int(gy)) : String(gy)
    }
}
