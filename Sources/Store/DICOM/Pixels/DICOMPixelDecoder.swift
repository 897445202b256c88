/// Decodes the single greyscale frame of an image data set into stored pixel values (row by
/// row, before rescale), for native, RLE Lossless and JPEG 2000 pixel data.
enum DICOMPixelDecoder {
    /// The `rows × columns` stored values of `dataSet`'s pixel data.
    static func storedValues(_ dataSet: DICOMDataSet, syntax: DICOMTransferSyntax, pixel: DICOMImagePixel) throws -> [Int32] {
        let file = dataSet.file
        let tag = DICOMTags.pixelData
        guard let element = dataSet[tag] else { throw DICOMError(file: file, tag: tag, "image has no pixel data") }
        let count = pixel.rows * pixel.columns
        switch (element.value, syntax.isEncapsulated) {
        case (.bytes(let b), false):
            guard b.count >= 2 * count else {
                throw DICOMError(file: file, tag: tag, "native pixel data has \(b.count) bytes, \(pixel.rows)×\(pixel.columns)×2 = \(2 * count) expected")
            }
            return (0..<count).map { pixel.value(UInt16(b[2 * $0]) | UInt16(b[2 * $0 + 1]) << 8) }
        case (.encapsulated(_, let fragments), true):
            let frame = fragments.reduce(into: [UInt8]()) { $0 += $1 }
            guard !frame.isEmpty else { throw DICOMError(file: file, tag: tag, "encapsulated pixel data has no fragments") }
            if syntax == .rleLossless {
                let raw = try RLEDecoder.decode(frame, rows: pixel.rows, columns: pixel.columns, file: file)
                return raw.map(pixel.value)
            }
            return try JPEG2000Decoder.decode(frame, pixel: pixel, file: file)
        case (.encapsulated, false):
            throw DICOMError(file: file, tag: tag, "encapsulated pixel data in the native transfer syntax \(syntax.name)")
        default:
            throw DICOMError(file: file, tag: tag, "native pixel data in the encapsulated transfer syntax \(syntax.name)")
        }
    }
}
