import Core

/// Writes a dose grid as a DICOM RT Dose object (RT Dose IOD, explicit VR little endian).
///
/// The dose is a multi-frame image (one frame per z slice, Grid Frame Offset Vector relative to
/// the first frame, Frame Increment Pointer → (3004,000C)), Image Orientation (Patient)
/// 1\0\0\0\1\0, Image Position (Patient) = our grid origin (centre of voxel [0,0,0]).
/// Pixels are unsigned integers (16 bits by default, which dciodvfy can check; or 32 bits) with Dose Grid Scaling = max dose / max pixel,
/// so dose = pixel × scaling. DoseUnits GY, DoseType PHYSICAL, DoseSummationType PLAN with a
/// Referenced RT Plan Sequence naming `planSOPInstanceUID` (no RT Plan object is written).
public struct RTDoseWriter: Sendable {
    /// The patient, study and frame of reference of the CT the dose was computed on.
    public var reference: DICOMReference
    /// Bits per dose pixel: 16 (default; quantisation ≤ max dose / 131070) or 32.
    public var bitsAllocated: Int
    /// The SOP Instance UID of the plan the dose belongs to (generated when nil).
    public var planSOPInstanceUID: String?
    /// Series Description (0008,103E) of the dose series.
    public var seriesDescription: String

    /// A writer for doses on the CT of `reference`.
    public init(reference: DICOMReference, bitsAllocated: Int = 16, planSOPInstanceUID: String? = nil, seriesDescription: String = "rtcluster dose") {
        self.reference = reference
        self.bitsAllocated = bitsAllocated
        self.planSOPInstanceUID = planSOPInstanceUID
        self.seriesDescription = seriesDescription
    }

    /// Writes `dose` (Gy, finite, ≥ 0) to `path`; returns the SOP Instance UID written.
    @discardableResult
    public func write(_ dose: DoseVolume, to path: String) throws -> String {
        let d = try dataSet(dose, file: path)
        try DICOMRTObject.write(d, to: path, encoder: DICOMEncoder(transferSyntax: .explicitVRLittleEndian))
        return d.string(DICOMTags.sopInstanceUID)!
    }

    /// The RT Dose data set of `dose`.
    func dataSet(_ dose: DoseVolume, file: String) throws -> DICOMDataSet {
        guard bitsAllocated == 16 || bitsAllocated == 32 else {
            throw DICOMError(file: file, tag: DICOMTags.bitsAllocated, "bits allocated \(bitsAllocated); 16 or 32 supported")
        }
        let g = dose.grid
        guard g.nx <= 0xFFFF, g.ny <= 0xFFFF else { throw DICOMError(file: file, tag: DICOMTags.rows, "grid \(g.nx)×\(g.ny) exceeds 65535 pixels per row/column") }
        var maximum: Float = 0
        for v in dose.voxels {
            guard v.isFinite, v >= 0 else { throw DICOMError(file: file, tag: DICOMTags.pixelData, "dose value \(v) Gy is not finite and non-negative") }
            maximum = max(maximum, v)
        }
        let maxPixel = bitsAllocated == 32 ? Double(UInt32.max) : Double(UInt16.max)
        // DS holds ≤ 16 characters: round the scaling to what is written, then quantise with it.
        let scaling = Double(DICOMDataSet.decimalString(maximum > 0 ? Double(maximum) / maxPixel * (1 + 1e-9) : 1))!
        var pixels: [UInt8] = []
        pixels.reserveCapacity(g.voxelCount * bitsAllocated / 8)
        for v in dose.voxels {
            let p = min(maxPixel, (Double(v) / scaling).rounded())
            if bitsAllocated == 32 { pixels += DICOMDataSet.littleEndian(UInt32(p)) } else {
                let q = UInt16(p)
                pixels += [UInt8(q & 0xFF), UInt8(q >> 8)]
            }
        }
        var d = DICOMRTObject.base(file: file, sopClassUID: DICOMRTObject.rtDoseStorage, modality: "RTDOSE", reference: reference, seriesDescription: seriesDescription)
        let (date, time) = DICOMRTObject.now()
        d.set(DICOMTags.contentDate, "DA", date)
        d.set(DICOMTags.contentTime, "TM", time)
        d.set(DICOMTags.sliceThickness, decimals: [g.spacingMM.z])
        d.set(DICOMTags.imagePositionPatient, decimals: [g.originMM.x, g.originMM.y, g.originMM.z])
        d.set(DICOMTags.imageOrientationPatient, decimals: [1, 0, 0, 0, 1, 0])
        d.set(DICOMTags.frameOfReferenceUID, "UI", reference.frameOfReferenceUID)
        d.set(DICOMTags.positionReferenceIndicator, "LO", "")
        d.set(DICOMTags.samplesPerPixel, uint16: 1)
        d.set(DICOMTags.photometricInterpretation, "CS", "MONOCHROME2")
        d.set(DICOMTags.numberOfFrames, integers: [g.nz])
        d.set(DICOMTags.frameIncrementPointer, attributeTag: DICOMTags.gridFrameOffsetVector)
        d.set(DICOMTags.rows, uint16: UInt16(g.ny))
        d.set(DICOMTags.columns, uint16: UInt16(g.nx))
        d.set(DICOMTags.pixelSpacing, decimals: [g.spacingMM.y, g.spacingMM.x])
        d.set(DICOMTags.bitsAllocated, uint16: UInt16(bitsAllocated))
        d.set(DICOMTags.bitsStored, uint16: UInt16(bitsAllocated))
        d.set(DICOMTags.highBit, uint16: UInt16(bitsAllocated - 1))
        d.set(DICOMTags.pixelRepresentation, uint16: 0)
        d.set(DICOMTags.doseUnits, "CS", "GY")
        d.set(DICOMTags.doseType, "CS", "PHYSICAL")
        d.set(DICOMTags.doseSummationType, "CS", "PLAN")
        d.set(DICOMTags.gridFrameOffsetVector, decimals: (0..<g.nz).map { Double($0) * g.spacingMM.z })
        d.set(DICOMTags.doseGridScaling, decimals: [scaling])
        var plan = DICOMDataSet(file: file)
        plan.set(DICOMTags.referencedSOPClassUID, "UI", DICOMRTObject.rtPlanStorage)
        plan.set(DICOMTags.referencedSOPInstanceUID, "UI", planSOPInstanceUID ?? DICOMUID.generate())
        d.set(DICOMTags.referencedRTPlanSequence, items: [plan])
        d.set(DICOMTags.pixelData, "OW", bytes: pixels)
        return d
    }
}
