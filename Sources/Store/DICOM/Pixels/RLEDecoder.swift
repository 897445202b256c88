/// DICOM RLE Lossless (PS3.5 Annex G): a 64-byte header with up to 15 segment offsets, each
/// segment a PackBits stream of one byte plane; 16-bit samples use two segments, most
/// significant byte first.
enum RLEDecoder {
    /// The 16-bit samples of one `rows × columns` frame.
    static func decode(_ frame: [UInt8], rows: Int, columns: Int, file: String) throws -> [UInt16] {
        let tag = DICOMTags.pixelData
        guard frame.count >= 64 else { throw DICOMError(file: file, tag: tag, "RLE frame of \(frame.count) bytes is shorter than its 64-byte header") }
        func u32(_ o: Int) -> Int { Int(frame[o]) | Int(frame[o + 1]) << 8 | Int(frame[o + 2]) << 16 | Int(frame[o + 3]) << 24 }
        let segments = u32(0)
        guard segments == 2 else { throw DICOMError(file: file, tag: tag, "RLE header has \(segments) segments; 2 expected for 16-bit greyscale") }
        let offsets = [u32(4), u32(8), frame.count]
        let count = rows * columns
        var planes: [[UInt8]] = []
        for s in 0..<2 {
            let (start, end) = (offsets[s], offsets[s + 1])
            guard start >= 64, start <= end, end <= frame.count else {
                throw DICOMError(file: file, tag: tag, "RLE segment \(s + 1) offsets \(start)...\(end) are outside the frame of \(frame.count) bytes")
            }
            planes.append(try unpack(frame[start..<end], count: count, segment: s + 1, file: file))
        }
        return (0..<count).map { UInt16(planes[0][$0]) << 8 | UInt16(planes[1][$0]) }
    }

    /// PackBits: n in 0...127 copies n+1 literal bytes, n in -127...-1 repeats the next byte 1-n times.
    private static func unpack(_ segment: ArraySlice<UInt8>, count: Int, segment number: Int, file: String) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count)
        var i = segment.startIndex
        while out.count < count, i < segment.endIndex {
            let n = Int(Int8(bitPattern: segment[i]))
            i += 1
            if n >= 0 {
                guard i + n + 1 <= segment.endIndex else { break }
                out += segment[i..<(i + n + 1)]
                i += n + 1
            } else if n != -128 {
                guard i < segment.endIndex else { break }
                out += repeatElement(segment[i], count: 1 - n)
                i += 1
            }
        }
        guard out.count >= count else {
            throw DICOMError(file: file, tag: DICOMTags.pixelData, "RLE segment \(number) decodes to \(out.count) bytes, \(count) expected (truncated or corrupt)")
        }
        return Array(out[0..<count])
    }
}
