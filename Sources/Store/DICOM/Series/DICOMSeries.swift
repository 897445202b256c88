import Core

/// A CT series imported from DICOM: the volume in HU on our LPS grid and the identifiers a
/// case file and the DICOM exports keep.
public struct DICOMSeries: Sendable {
    /// CT numbers in HU (rescale slope/intercept applied), `[z][y][x]` with z increasing.
    public let ct: CTVolume
    /// Frame of Reference UID (0020,0052), shared by RT Dose and RT Struct exports.
    public let frameOfReferenceUID: String
    /// Study Instance UID (0020,000D); empty when the files leave it blank.
    public let studyInstanceUID: String
    /// Series Instance UID (0020,000E); empty when the files leave it blank.
    public let seriesInstanceUID: String
    /// Series Description (0008,103E), possibly empty.
    public let seriesDescription: String
    /// Patient ID (0010,0020) as given (possibly empty).
    public let patientID: String
    /// Patient's Name (0010,0010) as given, DICOM PN form (possibly empty).
    public let patientName: String
    /// Patient Position (0018,5100), e.g. "HFS" (possibly empty).
    public let patientPosition: String
    /// Image Orientation (Patient) (0020,0037) of the files: row then column direction cosines.
    public let imageOrientationPatient: [Double]
    /// SOP Class UID of the images (CT Image Storage for a CT).
    public let sopClassUID: String
    /// SOP Instance UIDs of the slices, in the order of z (slice k of ``ct``).
    public let sopInstanceUIDs: [String]
    /// Transfer syntax of the first file.
    public let transferSyntax: DICOMTransferSyntax
    /// What the folder held besides the series, left out (non-DICOM files, DICOM objects without an image such as an
    /// RT Structure Set, images of other modalities), one line each for the user; empty when nothing was left out.
    public let leftOut: [String]
}
