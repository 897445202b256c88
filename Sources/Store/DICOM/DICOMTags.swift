/// The attribute tags rtcluster reads or writes (names as in DICOM PS3.6, lower camel case).
public enum DICOMTags {
    /// (0002,0000), VR UL.
    public static let fileMetaInformationGroupLength = DICOMTag(0x0002, 0x0000)
    /// (0002,0001), VR OB.
    public static let fileMetaInformationVersion = DICOMTag(0x0002, 0x0001)
    /// (0002,0002), VR UI.
    public static let mediaStorageSOPClassUID = DICOMTag(0x0002, 0x0002)
    /// (0002,0003), VR UI.
    public static let mediaStorageSOPInstanceUID = DICOMTag(0x0002, 0x0003)
    /// (0002,0010), VR UI.
    public static let transferSyntaxUID = DICOMTag(0x0002, 0x0010)
    /// (0002,0012), VR UI.
    public static let implementationClassUID = DICOMTag(0x0002, 0x0012)
    /// (0002,0013), VR SH.
    public static let implementationVersionName = DICOMTag(0x0002, 0x0013)
    /// (0008,0005), VR CS.
    public static let specificCharacterSet = DICOMTag(0x0008, 0x0005)
    /// (0008,0008), VR CS.
    public static let imageType = DICOMTag(0x0008, 0x0008)
    /// (0008,0012), VR DA.
    public static let instanceCreationDate = DICOMTag(0x0008, 0x0012)
    /// (0008,0013), VR TM.
    public static let instanceCreationTime = DICOMTag(0x0008, 0x0013)
    /// (0008,0016), VR UI.
    public static let sopClassUID = DICOMTag(0x0008, 0x0016)
    /// (0008,0018), VR UI.
    public static let sopInstanceUID = DICOMTag(0x0008, 0x0018)
    /// (0008,0020), VR DA.
    public static let studyDate = DICOMTag(0x0008, 0x0020)
    /// (0008,0021), VR DA.
    public static let seriesDate = DICOMTag(0x0008, 0x0021)
    /// (0008,0023), VR DA.
    public static let contentDate = DICOMTag(0x0008, 0x0023)
    /// (0008,0030), VR TM.
    public static let studyTime = DICOMTag(0x0008, 0x0030)
    /// (0008,0031), VR TM.
    public static let seriesTime = DICOMTag(0x0008, 0x0031)
    /// (0008,0033), VR TM.
    public static let contentTime = DICOMTag(0x0008, 0x0033)
    /// (0008,0050), VR SH.
    public static let accessionNumber = DICOMTag(0x0008, 0x0050)
    /// (0008,0060), VR CS.
    public static let modality = DICOMTag(0x0008, 0x0060)
    /// (0008,0070), VR LO.
    public static let manufacturer = DICOMTag(0x0008, 0x0070)
    /// (0008,0090), VR PN.
    public static let referringPhysicianName = DICOMTag(0x0008, 0x0090)
    /// (0008,1030), VR LO.
    public static let studyDescription = DICOMTag(0x0008, 0x1030)
    /// (0008,103E), VR LO.
    public static let seriesDescription = DICOMTag(0x0008, 0x103E)
    /// (0008,1070), VR PN.
    public static let operatorsName = DICOMTag(0x0008, 0x1070)
    /// (0008,1090), VR LO.
    public static let manufacturerModelName = DICOMTag(0x0008, 0x1090)
    /// (0008,1150), VR UI.
    public static let referencedSOPClassUID = DICOMTag(0x0008, 0x1150)
    /// (0008,1155), VR UI.
    public static let referencedSOPInstanceUID = DICOMTag(0x0008, 0x1155)
    /// (0010,0010), VR PN.
    public static let patientName = DICOMTag(0x0010, 0x0010)
    /// (0010,0020), VR LO.
    public static let patientID = DICOMTag(0x0010, 0x0020)
    /// (0010,0030), VR DA.
    public static let patientBirthDate = DICOMTag(0x0010, 0x0030)
    /// (0010,0040), VR CS.
    public static let patientSex = DICOMTag(0x0010, 0x0040)
    /// (0018,0050), VR DS.
    public static let sliceThickness = DICOMTag(0x0018, 0x0050)
    /// (0018,1020), VR LO.
    public static let softwareVersions = DICOMTag(0x0018, 0x1020)
    /// (0018,1120), VR DS.
    public static let gantryDetectorTilt = DICOMTag(0x0018, 0x1120)
    /// (0018,5100), VR CS.
    public static let patientPosition = DICOMTag(0x0018, 0x5100)
    /// (0020,000D), VR UI.
    public static let studyInstanceUID = DICOMTag(0x0020, 0x000D)
    /// (0020,000E), VR UI.
    public static let seriesInstanceUID = DICOMTag(0x0020, 0x000E)
    /// (0020,0010), VR SH.
    public static let studyID = DICOMTag(0x0020, 0x0010)
    /// (0020,0011), VR IS.
    public static let seriesNumber = DICOMTag(0x0020, 0x0011)
    /// (0020,0013), VR IS.
    public static let instanceNumber = DICOMTag(0x0020, 0x0013)
    /// (0020,0020), VR CS.
    public static let patientOrientation = DICOMTag(0x0020, 0x0020)
    /// (0020,0032), VR DS.
    public static let imagePositionPatient = DICOMTag(0x0020, 0x0032)
    /// (0020,0037), VR DS.
    public static let imageOrientationPatient = DICOMTag(0x0020, 0x0037)
    /// (0020,0052), VR UI.
    public static let frameOfReferenceUID = DICOMTag(0x0020, 0x0052)
    /// (0020,1040), VR LO.
    public static let positionReferenceIndicator = DICOMTag(0x0020, 0x1040)
    /// (0028,0002), VR US.
    public static let samplesPerPixel = DICOMTag(0x0028, 0x0002)
    /// (0028,0004), VR CS.
    public static let photometricInterpretation = DICOMTag(0x0028, 0x0004)
    /// (0028,0008), VR IS.
    public static let numberOfFrames = DICOMTag(0x0028, 0x0008)
    /// (0028,0009), VR AT.
    public static let frameIncrementPointer = DICOMTag(0x0028, 0x0009)
    /// (0028,0010), VR US.
    public static let rows = DICOMTag(0x0028, 0x0010)
    /// (0028,0011), VR US.
    public static let columns = DICOMTag(0x0028, 0x0011)
    /// (0028,0030), VR DS.
    public static let pixelSpacing = DICOMTag(0x0028, 0x0030)
    /// (0028,0100), VR US.
    public static let bitsAllocated = DICOMTag(0x0028, 0x0100)
    /// (0028,0101), VR US.
    public static let bitsStored = DICOMTag(0x0028, 0x0101)
    /// (0028,0102), VR US.
    public static let highBit = DICOMTag(0x0028, 0x0102)
    /// (0028,0103), VR US.
    public static let pixelRepresentation = DICOMTag(0x0028, 0x0103)
    /// (0028,1052), VR DS.
    public static let rescaleIntercept = DICOMTag(0x0028, 0x1052)
    /// (0028,1053), VR DS.
    public static let rescaleSlope = DICOMTag(0x0028, 0x1053)
    /// (3004,0002), VR CS.
    public static let doseUnits = DICOMTag(0x3004, 0x0002)
    /// (3004,0004), VR CS.
    public static let doseType = DICOMTag(0x3004, 0x0004)
    /// (3004,000A), VR CS.
    public static let doseSummationType = DICOMTag(0x3004, 0x000A)
    /// (3004,000C), VR DS.
    public static let gridFrameOffsetVector = DICOMTag(0x3004, 0x000C)
    /// (3004,000E), VR DS.
    public static let doseGridScaling = DICOMTag(0x3004, 0x000E)
    /// (3004,0014), VR CS.
    public static let tissueHeterogeneityCorrection = DICOMTag(0x3004, 0x0014)
    /// (3006,0002), VR SH.
    public static let structureSetLabel = DICOMTag(0x3006, 0x0002)
    /// (3006,0004), VR LO.
    public static let structureSetName = DICOMTag(0x3006, 0x0004)
    /// (3006,0008), VR DA.
    public static let structureSetDate = DICOMTag(0x3006, 0x0008)
    /// (3006,0009), VR TM.
    public static let structureSetTime = DICOMTag(0x3006, 0x0009)
    /// (3006,0010), VR SQ.
    public static let referencedFrameOfReferenceSequence = DICOMTag(0x3006, 0x0010)
    /// (3006,0012), VR SQ.
    public static let rtReferencedStudySequence = DICOMTag(0x3006, 0x0012)
    /// (3006,0014), VR SQ.
    public static let rtReferencedSeriesSequence = DICOMTag(0x3006, 0x0014)
    /// (3006,0016), VR SQ.
    public static let contourImageSequence = DICOMTag(0x3006, 0x0016)
    /// (3006,0020), VR SQ.
    public static let structureSetROISequence = DICOMTag(0x3006, 0x0020)
    /// (3006,0022), VR IS.
    public static let roiNumber = DICOMTag(0x3006, 0x0022)
    /// (3006,0024), VR UI.
    public static let referencedFrameOfReferenceUID = DICOMTag(0x3006, 0x0024)
    /// (3006,0026), VR LO.
    public static let roiName = DICOMTag(0x3006, 0x0026)
    /// (3006,002A), VR IS.
    public static let roiDisplayColor = DICOMTag(0x3006, 0x002A)
    /// (3006,0036), VR CS.
    public static let roiGenerationAlgorithm = DICOMTag(0x3006, 0x0036)
    /// (3006,0039), VR SQ.
    public static let roiContourSequence = DICOMTag(0x3006, 0x0039)
    /// (3006,0040), VR SQ.
    public static let contourSequence = DICOMTag(0x3006, 0x0040)
    /// (3006,0042), VR CS.
    public static let contourGeometricType = DICOMTag(0x3006, 0x0042)
    /// (3006,0046), VR IS.
    public static let numberOfContourPoints = DICOMTag(0x3006, 0x0046)
    /// (3006,0048), VR IS.
    public static let contourNumber = DICOMTag(0x3006, 0x0048)
    /// (3006,0050), VR DS.
    public static let contourData = DICOMTag(0x3006, 0x0050)
    /// (3006,0080), VR SQ.
    public static let rtROIObservationsSequence = DICOMTag(0x3006, 0x0080)
    /// (3006,0082), VR IS.
    public static let observationNumber = DICOMTag(0x3006, 0x0082)
    /// (3006,0084), VR IS.
    public static let referencedROINumber = DICOMTag(0x3006, 0x0084)
    /// (3006,00A4), VR CS.
    public static let rtROIInterpretedType = DICOMTag(0x3006, 0x00A4)
    /// (3006,00A6), VR PN.
    public static let roiInterpreter = DICOMTag(0x3006, 0x00A6)
    /// (300C,0002), VR SQ.
    public static let referencedRTPlanSequence = DICOMTag(0x300C, 0x0002)
    /// (300E,0002), VR CS.
    public static let approvalStatus = DICOMTag(0x300E, 0x0002)
    /// (7FE0,0010), VR OW.
    public static let pixelData = DICOMTag(0x7FE0, 0x0010)
}
