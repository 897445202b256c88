/// Structural check of a JPEG 2000 codestream (ISO 15444-1 Annex A) before OpenJPEG sees it:
/// SOC, main-header marker segments whose lengths fit, tile-parts whose SOT lengths (Psot) fit,
/// and an EOC marker at the end. OpenJPEG 2.5 aborts on an internal assertion with some truncated
/// streams, so a truncated or damaged layout must be rejected here, with an error naming the file.
enum JPEG2000Codestream {
    static func validate(_ bytes: UnsafeRawBufferPointer, file: String) throws {
        func fail(_ reason: String) -> DICOMError { DICOMError(file: file, tag: DICOMTags.pixelData, "JPEG 2000 codestream \(reason)") }
        func u16(_ o: Int) -> Int { Int(bytes[o]) << 8 | Int(bytes[o + 1]) }
        func u32(_ o: Int) -> Int { u16(o) << 16 | u16(o + 2) }
        let n = bytes.count
        guard n >= 4, u16(0) == 0xFF4F else { throw fail("does not start with SOC (FF4F); DICOM requires a raw codestream") }
        // The last two bytes must be EOC (a trailing padding byte of an odd fragment is allowed).
        let end = n >= 2 && u16(n - 2) == 0xFFD9 ? n - 2 : (n >= 3 && u16(n - 3) == 0xFFD9 && bytes[n - 1] == 0 ? n - 3 : -1)
        guard end > 0 else { throw fail("has no EOC marker (FFD9) at its end: truncated") }
        var p = 2
        while true {
            guard p + 4 <= end else { throw fail("main header runs past the data at offset \(p)") }
            let marker = u16(p)
            guard marker >> 8 == 0xFF else { throw fail("has no marker at offset \(p)") }
            if marker == 0xFF90 { break }
            let length = u16(p + 2)
            guard length >= 2, p + 2 + length <= end else { throw fail("marker \(String(marker, radix: 16)) length \(length) at offset \(p) runs past the data") }
            p += 2 + length
        }
        while p < end {
            guard p + 12 <= end, u16(p) == 0xFF90, u16(p + 2) == 10 else { throw fail("expected a tile-part (SOT, FF90) at offset \(p)") }
            let psot = u32(p + 6)
            if psot == 0 { return }
            guard psot >= 14, p + psot <= end else { throw fail("tile-part length \(psot) at offset \(p) runs past the data") }
            p += psot
        }
    }
}
