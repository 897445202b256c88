import CZlib

/// Raw (headerless) deflate streams, as used by the Deflated Explicit VR Little Endian syntax.
enum Inflate {
    /// Inflates `input`; the output is capped at 1032× the input (deflate's largest ratio) and at
    /// 1 GiB, so a hostile stream cannot exhaust memory.
    static func raw(_ input: [UInt8], file: String) throws -> [UInt8] {
        let cap = min(1 << 30, input.count * 1032 + 1024)
        var stream = z_stream()
        guard inflateInit2_(&stream, -15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DICOMError(file: file, "cannot initialise zlib inflate")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var input = input
        let status: Int32 = input.withUnsafeMutableBufferPointer { inBuffer in
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = UInt32(inBuffer.count)
            while true {
                let (code, produced) = chunk.withUnsafeMutableBufferPointer { outBuffer -> (Int32, Int) in
                    stream.next_out = outBuffer.baseAddress
                    stream.avail_out = UInt32(outBuffer.count)
                    let code = inflate(&stream, Z_NO_FLUSH)
                    return (code, outBuffer.count - Int(stream.avail_out))
                }
                output.append(contentsOf: chunk[0..<produced])
                if output.count > cap { return Z_MEM_ERROR }
                if code == Z_STREAM_END { return code }
                if code != Z_OK { return code }
                if stream.avail_in == 0, produced == 0 { return Z_BUF_ERROR }
            }
        }
        switch status {
        case Z_STREAM_END: return output
        case Z_MEM_ERROR: throw DICOMError(file: file, "deflated data set inflates beyond \(cap) bytes")
        case Z_BUF_ERROR: throw DICOMError(file: file, "deflated data set is truncated")
        default: throw DICOMError(file: file, "deflated data set is corrupt (zlib error \(status))")
        }
    }
}
