/// The header of one CT image file, read before its pixel data, with the geometry checked
/// for what ``DICOMImport`` needs.
struct DICOMSlice: Sendable {
    let file: DICOMFile
    let seriesUID: String
    let seriesDescription: String
    let pixel: DICOMImagePixel
    /// Row direction (increasing column index) and column direction (increasing row index).
    let row: SIMD3<Double>, column: SIMD3<Double>
    let orientation: [Double]
    let position: SIMD3<Double>
    /// Pixel Spacing: (between rows, between columns) in mm.
    let pixelSpacingMM: SIMD2<Double>
    let slope: Double, intercept: Double

    init(file: DICOMFile, maxPixels: Int) throws {
        let d = file.dataSet
        self.file = file
        seriesUID = d.string(DICOMTags.seriesInstanceUID) ?? ""
        seriesDescription = d.string(DICOMTags.seriesDescription) ?? ""
        pixel = try DICOMImagePixel(d, maxPixels: maxPixels)
        orientation = try d.requiredDecimals(DICOMTags.imageOrientationPatient, count: 6)
        row = SIMD3(orientation[0], orientation[1], orientation[2])
        column = SIMD3(orientation[3], orientation[4], orientation[5])
        for v in [row, column] where abs((v * v).sum() - 1) > 1e-3 {
            throw DICOMError(file: file.path, tag: DICOMTags.imageOrientationPatient, "direction \(DICOMNumberText.vector(v)) is not a unit vector")
        }
        guard abs((row * column).sum()) < 1e-3 else {
            throw DICOMError(file: file.path, tag: DICOMTags.imageOrientationPatient, "row and column directions are not orthogonal")
        }
        let p = try d.requiredDecimals(DICOMTags.imagePositionPatient, count: 3)
        position = SIMD3(p[0], p[1], p[2])
        let s = try d.requiredDecimals(DICOMTags.pixelSpacing, count: 2)
        guard s[0] > 0, s[1] > 0 else { throw DICOMError(file: file.path, tag: DICOMTags.pixelSpacing, "spacing \(DICOMNumberText.list(s)) mm is not positive") }
        pixelSpacingMM = SIMD2(s[0], s[1])
        slope = try d.decimals(DICOMTags.rescaleSlope)?.first ?? 1
        intercept = try d.decimals(DICOMTags.rescaleIntercept)?.first ?? 0
        guard slope != 0 else { throw DICOMError(file: file.path, tag: DICOMTags.rescaleSlope, "is 0") }
    }

    /// True when the file is an image of a CT (or has no modality but pixel data geometry).
    static func isCTImage(_ file: DICOMFile) -> Bool {
        let modality = file.dataSet.string(DICOMTags.modality) ?? ""
        return modality == "CT" && file.dataSet[DICOMTags.rows] != nil
    }
}
