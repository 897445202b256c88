/// The patient, study and frame of reference an export belongs to, usually those of the
/// imported CT (``init(series:)``); for a phantom, ``init(patientID:patientName:)`` makes new UIDs.
public struct DICOMReference: Sendable {
    /// Patient ID (0010,0020), written as given.
    public var patientID: String
    /// Patient's Name (0010,0010), DICOM PN form, written as given.
    public var patientName: String
    /// Study Instance UID of the CT; exports join this study.
    public var studyInstanceUID: String
    /// Frame of Reference UID of the CT; exports share it.
    public var frameOfReferenceUID: String
    /// Series Instance UID of the CT (for RT Struct's referenced series; empty when unknown).
    public var ctSeriesInstanceUID: String
    /// SOP Class UID of the CT images (CT Image Storage).
    public var ctSOPClassUID: String
    /// SOP Instance UIDs of the CT slices in z order (empty when unknown).
    public var ctSOPInstanceUIDs: [String]

    /// The reference of an imported CT series; blank study or frame of reference UIDs (anonymised
    /// files) are replaced by generated ones.
    public init(series: DICOMSeries) {
        patientID = series.patientID
        patientName = series.patientName
        studyInstanceUID = series.studyInstanceUID.isEmpty ? DICOMUID.generate() : series.studyInstanceUID
        frameOfReferenceUID = series.frameOfReferenceUID.isEmpty ? DICOMUID.generate() : series.frameOfReferenceUID
        ctSeriesInstanceUID = series.seriesInstanceUID
        ctSOPClassUID = series.sopClassUID
        ctSOPInstanceUIDs = series.sopInstanceUIDs.contains("") ? [] : series.sopInstanceUIDs
    }

    /// The reference of a case's CT from the identity kept in the case file; blank study or frame
    /// of reference UIDs are replaced by the stable UIDs derived from `fallbackName` (see
    /// ``DICOMUID/derived(from:)``), so repeated exports of one case agree.
    public init(identity: CTSeriesIdentity, frameOfReferenceUID: String?, fallbackName: String) {
        patientID = identity.patientID
        patientName = identity.patientName
        studyInstanceUID = identity.studyInstanceUID.isEmpty ? DICOMUID.derived(from: fallbackName + "/study") : identity.studyInstanceUID
        self.frameOfReferenceUID = frameOfReferenceUID.flatMap { $0.isEmpty ? nil : $0 } ?? DICOMUID.derived(from: fallbackName + "/frame-of-reference")
        ctSeriesInstanceUID = identity.seriesInstanceUID
        ctSOPClassUID = identity.sopClassUID.isEmpty ? DICOMRTObject.ctImageStorage : identity.sopClassUID
        ctSOPInstanceUIDs = identity.sopInstanceUIDs.contains("") ? [] : identity.sopInstanceUIDs
    }

    /// A new study and frame of reference (e.g. for a phantom) without CT images.
    public init(patientID: String, patientName: String) {
        self.patientID = patientID
        self.patientName = patientName
        studyInstanceUID = DICOMUID.generate()
        frameOfReferenceUID = DICOMUID.generate()
        ctSeriesInstanceUID = ""
        ctSOPClassUID = DICOMRTObject.ctImageStorage
        ctSOPInstanceUIDs = []
    }
}
