import Core

/// What a case file holds, read from metadata only (no voxel data): see ``CaseFile/summary(path:limits:)``.
public struct CaseSummary: Sendable, Equatable {
    /// Layout version of the file (1 when the file has no `schema` attribute).
    public let schema: Int
    /// Geometry of `/ct/hu`.
    public let grid: Grid
    /// Names of the datasets under `/structures`, in name order.
    public let structureNames: [String]
    /// Patient orientation, e.g. "HFS" ("HFS" when the file does not say).
    public let orientation: String
    /// DICOM Frame of Reference UID when the file records one.
    public let frameOfReferenceUID: String?
}
