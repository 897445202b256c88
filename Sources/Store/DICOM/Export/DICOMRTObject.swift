#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The modules RT Dose and RT Structure Set share: SOP Common, Patient, General Study,
/// RT Series and General Equipment, filled from a ``DICOMReference``.
enum DICOMRTObject {
    static let ctImageStorage = "1.2.840.10008.5.1.4.1.1.2"
    static let rtDoseStorage = "1.2.840.10008.5.1.4.1.1.481.2"
    static let rtStructureSetStorage = "1.2.840.10008.5.1.4.1.1.481.3"
    static let rtPlanStorage = "1.2.840.10008.5.1.4.1.1.481.5"

    /// A data set with the common modules of a new instance of `sopClassUID` and `modality`.
    static func base(file: String, sopClassUID: String, modality: String, reference: DICOMReference, seriesDescription: String) -> DICOMDataSet {
        let (date, time) = now()
        var d = DICOMDataSet(file: file)
        d.set(DICOMTags.specificCharacterSet, "CS", "ISO_IR 192")
        d.set(DICOMTags.instanceCreationDate, "DA", date)
        d.set(DICOMTags.instanceCreationTime, "TM", time)
        d.set(DICOMTags.sopClassUID, "UI", sopClassUID)
        d.set(DICOMTags.sopInstanceUID, "UI", DICOMUID.generate())
        d.set(DICOMTags.studyDate, "DA", "")
        d.set(DICOMTags.studyTime, "TM", "")
        d.set(DICOMTags.accessionNumber, "SH", "")
        d.set(DICOMTags.modality, "CS", modality)
        d.set(DICOMTags.manufacturer, "LO", "rtcluster")
        d.set(DICOMTags.referringPhysicianName, "PN", "")
        d.set(DICOMTags.seriesDescription, "LO", seriesDescription)
        d.set(DICOMTags.operatorsName, "PN", "")
        d.set(DICOMTags.manufacturerModelName, "LO", "rtcluster")
        d.set(DICOMTags.patientName, "PN", reference.patientName)
        d.set(DICOMTags.patientID, "LO", reference.patientID)
        d.set(DICOMTags.patientBirthDate, "DA", "")
        d.set(DICOMTags.patientSex, "CS", "")
        d.set(DICOMTags.softwareVersions, "LO", DICOMEncoder.implementationVersionName)
        d.set(DICOMTags.studyInstanceUID, "UI", reference.studyInstanceUID)
        d.set(DICOMTags.seriesInstanceUID, "UI", DICOMUID.generate())
        d.set(DICOMTags.studyID, "SH", "")
        d.set(DICOMTags.seriesNumber, integers: [1])
        d.set(DICOMTags.instanceNumber, integers: [1])
        return d
    }

    /// Writes `dataSet` atomically to `path` with `encoder`.
    static func write(_ dataSet: DICOMDataSet, to path: String, encoder: DICOMEncoder) throws {
        let bytes = try encoder.fileBytes(dataSet)
        try AtomicFile.write(to: path) { temporary in
            guard let stream = fopen(temporary, "wbe") else { throw DICOMError(file: path, "cannot create: \(errnoText())") }
            let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, stream) }
            guard fclose(stream) == 0, written == bytes.count else { throw DICOMError(file: path, "write failed: \(errnoText())") }
        }
    }

    /// Today's date (YYYYMMDD) and time (HHMMSS) in UTC.
    static func now() -> (String, String) {
        var t = time(nil)
        var parts = tm()
        gmtime_r(&t, &parts)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return ("\(parts.tm_year + 1900)" + two(parts.tm_mon + 1) + two(parts.tm_mday), two(parts.tm_hour) + two(parts.tm_min) + two(parts.tm_sec))
    }
}
