import Core

/// Everything a result bundle is made from, already read from the case and result files.
public struct BundleInput: Sendable {
    /// Report title, e.g. "Job 12 — lung plan" (escaped in HTML).
    public var title: String
    /// Provenance rows shown in the report: job, case, spec name, seed, software version...
    public var provenance: [(label: String, value: String)]
    /// The planning CT.
    public var ct: CTVolume
    /// Total dose in Gy (any grid in the CT's frame), nil for a segment-only result.
    public var doseGy: DoseVolume?
    /// Structures to outline and evaluate (case structures and segmentation masks).
    public var structures: [ReportStructure]
    /// DVH curves stored with the result (`/dvh/*` of a plan job); empty → computed from the dose.
    public var dvhCurves: [DVHCurve]
    /// The result's `metrics_json` when present (written to metrics.json verbatim); nil → computed.
    public var metricsJSON: String?
    /// The beam isocentre (mm), the preferred centre of the slices.
    public var isocentreMM: SIMD3<Double>?
    /// The job spec text, shown at the end of the report.
    public var specText: String?
    /// Per-beam fluence maps of a dose or plan result (`/plan/*`); empty → no `fluence.png`/`fluence.csv`.
    public var fluence: [FluenceMap]

    /// An input with the CT and title; everything else empty.
    public init(title: String, ct: CTVolume) {
        self.title = title
        self.ct = ct
        provenance = []
        structures = []
        dvhCurves = []
        fluence = []
    }
}
