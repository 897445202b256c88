import Core

/// What a job produces, as one HDF5 file (schema 1):
///
/// - `/segmentation/<name>` uint8 masks and optional `/segmentation/labels` uint8 label map, all on one grid;
/// - `/dose/total` float32 Gy and optional `/dose/uncertainty` float32 (1 σ, same grid as the dose);
/// - numeric arrays under any other path (`/plan/weights`, `/dvh/<name>` [bins, 2] float64...);
/// - sparse CSC matrices as groups (see ``SparseMatrixCSC``);
/// - root attributes: provenance and metrics (software version, seed, ranks, timings), plus `schema`.
///
/// Every 3-D volume carries `spacing_mm`, `origin_mm` and `array_order` attributes. Float data
/// must be finite, both when writing and when reading.
public struct ResultFile: Sendable, Equatable {
    /// The result layout version written and the newest one read.
    public static let schemaVersion = 1

    /// Segmentation masks by name (name: non-empty, no "/", not "labels").
    public var segmentation: [String: MaskVolume]
    /// Label map on the segmentation grid (0 = background).
    public var labelMap: MaskVolume?
    /// Segmentation masks kept on a box (zero outside it), by name (the rules of ``segmentation``, and no name in
    /// both): written as `/segmentation/<name>` exactly as the placed masks would be, without the full volumes in
    /// memory and without reading or storing the chunks outside the box. A read returns them in ``segmentation``.
    public var boxedSegmentation: [String: BoxedVolume<UInt8>]
    /// The label map kept on a box (not together with ``labelMap``); read back as ``labelMap``.
    public var boxedLabelMap: BoxedVolume<UInt8>?
    /// Total dose in Gy.
    public var doseGy: DoseVolume?
    /// Per-voxel statistical uncertainty of the dose (1 σ, as written by the dose stage).
    public var doseUncertainty: DoseVolume?
    /// Numeric arrays by absolute path, e.g. "/plan/weights" (not under `/segmentation`, not `/dose/total` or `/dose/uncertainty`).
    public var arrays: [String: ResultArray]
    /// Sparse matrices by absolute group path, e.g. "/dose/influence".
    public var sparseMatrices: [String: SparseMatrixCSC]
    /// Root attributes (provenance, metrics); the name "schema" is reserved.
    public var attributes: [String: AttributeValue]

    /// A result; every part is optional.
    public init(segmentation: [String: MaskVolume] = [:], labelMap: MaskVolume? = nil, doseGy: DoseVolume? = nil,
                doseUncertainty: DoseVolume? = nil, arrays: [String: ResultArray] = [:],
                sparseMatrices: [String: SparseMatrixCSC] = [:], attributes: [String: AttributeValue] = [:],
                boxedSegmentation: [String: BoxedVolume<UInt8>] = [:], boxedLabelMap: BoxedVolume<UInt8>? = nil) {
        self.segmentation = segmentation
        self.labelMap = labelMap
        self.boxedSegmentation = boxedSegmentation
        self.boxedLabelMap = boxedLabelMap
        self.doseGy = doseGy
        self.doseUncertainty = doseUncertainty
        self.arrays = arrays
        self.sparseMatrices = sparseMatrices
        self.attributes = attributes
    }

    /// This result with ``boxedSegmentation`` and ``boxedLabelMap`` placed on their full grid into
    /// ``segmentation`` and ``labelMap`` (each on up to `threads` threads): the form a read of the file gives.
    public func placingBoxedSegmentation(threads: Int = 1) -> ResultFile {
        var result = self
        for (name, mask) in boxedSegmentation { result.segmentation[name] = mask.placed(threads: threads) }
        if let boxedLabelMap { result.labelMap = boxedLabelMap.placed(threads: threads) }
        result.boxedSegmentation = [:]
        result.boxedLabelMap = nil
        return result
    }
}
