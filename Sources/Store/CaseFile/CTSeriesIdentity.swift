/// The DICOM identity of a CT imported from a series, kept in the case file so that RT Dose and
/// RT Structure Set exports join the same patient and study and reference the CT slices.
///
/// Stored as optional root attributes `patient_id`, `patient_name`, `study_instance_uid`,
/// `series_instance_uid`, `sop_class_uid` and the optional uint8 dataset `/ct/sop_instance_uids`
/// (UTF-8 of the slices' UIDs in z order joined with "\", the DICOM multi-value separator). A
/// case without `study_instance_uid` has no identity (e.g. a phantom or NIfTI import).
public struct CTSeriesIdentity: Sendable, Equatable {
    /// Patient ID (0010,0020).
    public var patientID: String
    /// Patient's Name (0010,0010), DICOM PN form.
    public var patientName: String
    /// Study Instance UID (0020,000D).
    public var studyInstanceUID: String
    /// Series Instance UID (0020,000E) of the CT.
    public var seriesInstanceUID: String
    /// SOP Class UID of the CT images.
    public var sopClassUID: String
    /// SOP Instance UIDs of the CT slices in z order (empty when unknown).
    public var sopInstanceUIDs: [String]

    /// An identity with every field given.
    public init(patientID: String, patientName: String, studyInstanceUID: String, seriesInstanceUID: String,
                sopClassUID: String, sopInstanceUIDs: [String]) {
        self.patientID = patientID
        self.patientName = patientName
        self.studyInstanceUID = studyInstanceUID
        self.seriesInstanceUID = seriesInstanceUID
        self.sopClassUID = sopClassUID
        self.sopInstanceUIDs = sopInstanceUIDs
    }

    /// The identity of an imported series (blank study UIDs are kept blank here; exports fill them).
    public init(series: DICOMSeries) {
        self.init(patientID: series.patientID, patientName: series.patientName, studyInstanceUID: series.studyInstanceUID,
                  seriesInstanceUID: series.seriesInstanceUID, sopClassUID: series.sopClassUID, sopInstanceUIDs: series.sopInstanceUIDs)
    }
}

extension CTSeriesIdentity {
    /// The UIDs with the attribute names they are stored under, for validation.
    var namedUIDs: [(String, String?)] {
        [("study_instance_uid", studyInstanceUID), ("series_instance_uid", seriesInstanceUID), ("sop_class_uid", sopClassUID)]
            + sopInstanceUIDs.map { ("/ct/sop_instance_uids", $0) }
    }
}
