/// Everything needed to compute a beamlet dose influence matrix (Monte Carlo-lite or pencil beam): the
/// target the beamlets must cover (or an open field), the beams, the dose grid, the engine and the statistics
/// (a `dose` job, and part of a `plan` job).
public struct DoseCalculationSpec: Hashable, Sendable {
    /// Structure the beamlets must cover (its centre of mass is the default isocentre); always set for a
    /// `plan`, optional for a `dose` job with an open field.
    public var target: String?
    /// Forward open field (`dose` jobs only): its beamlets replace the target-covering ones, all at weight 1.
    public var openField: OpenFieldSpec?
    /// The beams.
    public var beams: BeamSetSpec
    /// Beamlets whose projection comes within this distance of the target are kept (default 5 mm, range [0, 50]).
    public var marginMM: Double
    /// Dose grid voxel size along x, y, z (default 3 mm each, range [1, 10]).
    public var doseGridSpacingMM: SIMD3<Double>
    /// Simulated histories per beamlet (default 1000, range [10, 10^7], at least `uncertaintyBatches`).
    public var historiesPerBeamlet: Int
    /// Independent batches per beamlet used to estimate the per-voxel statistical uncertainty
    /// (default 10, range [2, 100]).
    public var uncertaintyBatches: Int
    /// Influence-matrix entries below this fraction of the beamlet's maximum are dropped
    /// (default 0.001, range [0, 0.1]).
    public var thresholdRelative: Double
    /// Whether the influence matrix is written to the result file (default true for `dose`, false for `plan`).
    public var storeInfluenceMatrix: Bool
    /// The engine of the influence matrix (default Monte Carlo).
    public var engine: DoseEngine
    /// Primary photons of the pencil-beam kernel's Monte Carlo run (default 10^6, range [10^4, 10^8]).
    public var kernelHistories: Int
    /// Variance reduction of the Monte Carlo beamlets (`transport:`; default: none).
    public var transport: TransportSpec
    /// Whether the CT outside the union of the case's structures is taken as air (matRad's and pyRadPlan's
    /// `ignoreOutsideDensities`, on by default there): couch, immobilisation and other objects outside every contour
    /// then neither attenuate nor scatter (default false: the whole CT counts).
    public var ignoreOutsideDensities: Bool
    /// How the Monte Carlo matrix spreads its histories over the beamlets (default uniform).
    public var historyAllocation: InfluenceHistoryAllocation
    /// Histories per beamlet of the pilot run of `target_fraction` allocation (default 1000).
    public var pilotHistoriesPerBeamlet: Int

    /// Default of `pilotHistoriesPerBeamlet`.
    public static let defaultPilotHistories = 1000

    /// Default of `kernelHistories`.
    public static let defaultKernelHistories = 1_000_000

    /// Creates a dose calculation request; values are taken as given (ranges are checked by the parser).
    public init(target: String?, openField: OpenFieldSpec? = nil, beams: BeamSetSpec, marginMM: Double = 5,
                doseGridSpacingMM: SIMD3<Double> = SIMD3(repeating: 3), historiesPerBeamlet: Int = 1000,
                uncertaintyBatches: Int = 10, thresholdRelative: Double = 0.001, storeInfluenceMatrix: Bool,
                engine: DoseEngine = .monteCarlo, kernelHistories: Int = defaultKernelHistories,
                transport: TransportSpec = TransportSpec(), ignoreOutsideDensities: Bool = false,
                historyAllocation: InfluenceHistoryAllocation = .uniform, pilotHistoriesPerBeamlet: Int = defaultPilotHistories) {
        self.target = target
        self.openField = openField
        self.beams = beams
        self.marginMM = marginMM
        self.doseGridSpacingMM = doseGridSpacingMM
        self.historiesPerBeamlet = historiesPerBeamlet
        self.uncertaintyBatches = uncertaintyBatches
        self.thresholdRelative = thresholdRelative
        self.storeInfluenceMatrix = storeInfluenceMatrix
        self.engine = engine
        self.kernelHistories = kernelHistories
        self.transport = transport
        self.ignoreOutsideDensities = ignoreOutsideDensities
        self.historyAllocation = historyAllocation
        self.pilotHistoriesPerBeamlet = pilotHistoriesPerBeamlet
    }
}
