import COpenJPEG

/// JPEG 2000 decoding through OpenJPEG, from memory: a stream whose read/skip/seek callbacks
/// serve the bytes of the frame (a raw J2K codestream, checked first by ``JPEG2000Codestream``).
/// Library messages are collected and quoted in the error.
enum JPEG2000Decoder {
    /// The `rows × columns` samples of a greyscale J2K frame, as integers.
    static func decode(_ frame: [UInt8], pixel: DICOMImagePixel, file: String) throws -> [Int32] {
        try frame.withUnsafeBytes { raw in
            let source = MemorySource(bytes: raw)
            return try withExtendedLifetime(source) { try decode(source, pixel: pixel, file: file) }
        }
    }

    private static func decode(_ source: MemorySource, pixel: DICOMImagePixel, file: String) throws -> [Int32] {
        let tag = DICOMTags.pixelData
        try JPEG2000Codestream.validate(source.bytes, file: file)
        guard let codec = opj_create_decompress(OPJ_CODEC_J2K) else {
            throw DICOMError(file: file, tag: tag, "OpenJPEG cannot create a decoder")
        }
        defer { opj_destroy_codec(codec) }
        let opaque = Unmanaged.passUnretained(source).toOpaque()
        opj_set_error_handler(codec, { message, client in
            guard let message, let client else { return }
            Unmanaged<MemorySource>.fromOpaque(client).takeUnretainedValue().messages.append(String(cString: message))
        }, opaque)
        var parameters = opj_dparameters_t()
        opj_set_default_decoder_parameters(&parameters)
        guard opj_setup_decoder(codec, &parameters) != 0 else { throw failure(source, file, "decoder setup") }
        guard let stream = opj_stream_create(1 << 16, 1) else { throw DICOMError(file: file, tag: tag, "OpenJPEG cannot create a stream") }
        defer { opj_stream_destroy(stream) }
        opj_stream_set_user_data(stream, opaque, nil)
        opj_stream_set_user_data_length(stream, UInt64(source.bytes.count))
        opj_stream_set_read_function(stream) { buffer, size, client in
            guard let buffer, let client else { return OPJ_SIZE_T.max }
            let s = Unmanaged<MemorySource>.fromOpaque(client).takeUnretainedValue()
            let n = min(Int(size), s.bytes.count - s.offset)
            guard n > 0 else { return OPJ_SIZE_T.max }
            buffer.copyMemory(from: s.bytes.baseAddress! + s.offset, byteCount: n)
            s.offset += n
            return OPJ_SIZE_T(n)
        }
        opj_stream_set_skip_function(stream) { count, client in
            guard let client else { return -1 }
            let s = Unmanaged<MemorySource>.fromOpaque(client).takeUnretainedValue()
            let target = max(0, min(Int64(s.bytes.count), Int64(s.offset) + count))
            let skipped = target - Int64(s.offset)
            s.offset = Int(target)
            return skipped
        }
        opj_stream_set_seek_function(stream) { position, client in
            guard let client else { return 0 }
            let s = Unmanaged<MemorySource>.fromOpaque(client).takeUnretainedValue()
            guard position >= 0, position <= Int64(s.bytes.count) else { return 0 }
            s.offset = Int(position)
            return 1
        }
        var imagePointer: UnsafeMutablePointer<opj_image_t>?
        guard opj_read_header(stream, codec, &imagePointer) != 0, let image = imagePointer else {
            throw failure(source, file, "reading the codestream header")
        }
        defer { opj_image_destroy(image) }
        guard opj_decode(codec, stream, image) != 0, opj_end_decompress(codec, stream) != 0 else {
            throw failure(source, file, "decoding")
        }
        guard image.pointee.numcomps == 1, let component = image.pointee.comps?.pointee else {
            throw DICOMError(file: file, tag: tag, "JPEG 2000 image has \(image.pointee.numcomps) components; 1 expected")
        }
        guard Int(component.w) == pixel.columns, Int(component.h) == pixel.rows, let data = component.data else {
            throw DICOMError(file: file, tag: tag, "JPEG 2000 image is \(component.w)×\(component.h), the data set says \(pixel.columns)×\(pixel.rows)")
        }
        guard component.prec >= 1, component.prec <= 16 else {
            throw DICOMError(file: file, tag: tag, "JPEG 2000 precision \(component.prec) bits is not in 1...16")
        }
        let count = pixel.rows * pixel.columns
        let samples = UnsafeBufferPointer(start: data, count: count)
        if pixel.signed && component.sgnd == 0 {
            return samples.map { pixel.value(UInt16(truncatingIfNeeded: $0)) }
        }
        return Array(samples)
    }

    private static func failure(_ source: MemorySource, _ file: String, _ step: String) -> DICOMError {
        let detail = source.messages.map { $0.trimmingSuffixNewlines() }.joined(separator: "; ")
        return DICOMError(file: file, tag: DICOMTags.pixelData, "JPEG 2000 \(step) failed (corrupt codestream)\(detail.isEmpty ? "" : ": " + detail)")
    }
}

/// The bytes OpenJPEG reads through the stream callbacks, and the messages it reports.
private final class MemorySource {
    let bytes: UnsafeRawBufferPointer
    var offset = 0
    var messages: [String] = []

    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }
}

private extension String {
    func trimmingSuffixNewlines() -> String {
        var s = Substring(self)
        while s.last == "\n" { s.removeLast() }
        return String(s)
    }
}
