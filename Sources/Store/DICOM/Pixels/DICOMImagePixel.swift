/// The Image Pixel attributes of a greyscale frame, validated for what the decoders support:
/// Samples per Pixel 1, MONOCHROME2, Bits Allocated 16, Bits Stored 1...16.
struct DICOMImagePixel: Equatable, Sendable {
    let rows: Int
    let columns: Int
    let bitsStored: Int
    let signed: Bool

    init(_ dataSet: DICOMDataSet, maxPixels: Int) throws {
        let file = dataSet.file
        let samples = try dataSet.uint16(DICOMTags.samplesPerPixel) ?? 1
        guard samples == 1 else { throw DICOMError(file: file, tag: DICOMTags.samplesPerPixel, "is \(samples); only 1 (greyscale) is supported") }
        let photometric = dataSet.string(DICOMTags.photometricInterpretation) ?? ""
        guard photometric == "MONOCHROME2" else {
            throw DICOMError(file: file, tag: DICOMTags.photometricInterpretation, "is '\(photometric)'; only MONOCHROME2 is supported")
        }
        let allocated = try dataSet.requiredUInt16(DICOMTags.bitsAllocated)
        guard allocated == 16 else { throw DICOMError(file: file, tag: DICOMTags.bitsAllocated, "is \(allocated); only 16 is supported") }
        let stored = try dataSet.uint16(DICOMTags.bitsStored) ?? 16
        guard (1...16).contains(stored) else { throw DICOMError(file: file, tag: DICOMTags.bitsStored, "is \(stored); must be 1...16") }
        let representation = try dataSet.requiredUInt16(DICOMTags.pixelRepresentation)
        guard representation <= 1 else { throw DICOMError(file: file, tag: DICOMTags.pixelRepresentation, "is \(representation); must be 0 or 1") }
        let rows = Int(try dataSet.requiredUInt16(DICOMTags.rows))
        let columns = Int(try dataSet.requiredUInt16(DICOMTags.columns))
        guard rows > 0, columns > 0 else { throw DICOMError(file: file, tag: DICOMTags.rows, "image is \(rows)×\(columns) pixels") }
        guard rows * columns <= maxPixels else {
            throw DICOMError(file: file, tag: DICOMTags.rows, "image of \(rows)×\(columns) pixels exceeds the limit of \(maxPixels) (StoreLimits.maxVoxels)")
        }
        if let frames = try dataSet.decimals(DICOMTags.numberOfFrames), frames != [1] {
            throw DICOMError(file: file, tag: DICOMTags.numberOfFrames, "is \(frames); only single-frame images are supported")
        }
        self.rows = rows
        self.columns = columns
        self.bitsStored = Int(stored)
        self.signed = representation == 1
    }

    /// The first attribute in which `self` differs from `other`, and how, in words ("is 1 (signed), 0 (unsigned)"
    /// for the caller to end with where `other` is from); nil when they agree.
    func difference(from other: DICOMImagePixel) -> (tag: DICOMTag, text: String)? {
        if rows != other.rows || columns != other.columns {
            return (rows != other.rows ? DICOMTags.rows : DICOMTags.columns,
                    "image is \(rows)×\(columns) pixels (rows × columns), \(other.rows)×\(other.columns)")
        }
        if bitsStored != other.bitsStored { return (DICOMTags.bitsStored, "is \(bitsStored), \(other.bitsStored)") }
        if signed != other.signed {
            func kind(_ signed: Bool) -> String { signed ? "1 (signed)" : "0 (unsigned)" }
            return (DICOMTags.pixelRepresentation, "is \(kind(signed)), \(kind(other.signed))")
        }
        return nil
    }

    /// The value of a 16-bit stored sample: sign-extended from Bits Stored when signed,
    /// bits above Bits Stored ignored when unsigned.
    func value(_ raw: UInt16) -> Int32 {
        let unused = 16 - bitsStored
        if signed { return Int32(Int16(bitPattern: raw << unused) >> unused) }
        return Int32((raw << unused) >> unused)
    }
}
