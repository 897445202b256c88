import Core
import Foundation
import Testing
@testable import Store

/// Damaged and hostile files: every one gives a DICOMError naming the file, never a crash.
@Suite struct DICOMHostileInputTests {
    /// One valid file of each syntax, truncated at every 7th offset (≈ 100 cuts per syntax).
    @Test(arguments: [DICOMTransferSyntax.implicitVRLittleEndian, .explicitVRLittleEndian, .deflatedExplicitVRLittleEndian, .rleLossless])
    func truncatedFilesFailCleanly(syntax: DICOMTransferSyntax) throws {
        var s = SyntheticCT()
        s.syntax = syntax
        s.undefinedLengths = syntax == .rleLossless
        let bytes = try s.fileBytes(s.dataSet(0))
        var failures = 0
        for cut in stride(from: 0, to: bytes.count, by: 7) {
            do {
                let file = try DICOMFile.parse(bytes: Array(bytes[0..<cut]), path: "cut\(cut).dcm")
                let pixel = try DICOMImagePixel(file.dataSet, maxPixels: 1 << 20)
                _ = try DICOMPixelDecoder.storedValues(file.dataSet, syntax: file.transferSyntax, pixel: pixel)
                Issue.record("truncation at \(cut) of \(bytes.count) bytes was accepted")
            } catch let error as DICOMError {
                #expect(error.file == "cut\(cut).dcm")
                failures += 1
            }
        }
        #expect(failures > 40)
    }

    @Test func wrongMagicAndNonDICOMFiles() throws {
        var bytes = try SyntheticCT().fileBytes(SyntheticCT().dataSet(0))
        bytes[129] = 0x58
        let error = try #require(throws: DICOMError.self) { try DICOMFile.parse(bytes: bytes, path: "x.dcm") }
        #expect(error.reason.contains("DICM"))
        #expect(throws: DICOMError.self) { try DICOMFile.parse(bytes: Array("hello, not DICOM".utf8), path: "t.txt") }
        let dir = try DICOMDirectory()
        try SyntheticCT().write(to: dir.path)
        try Data("notes".utf8).write(to: URL(fileURLWithPath: dir.file("notes.txt")))
        // Beside a series, a file without the signature is left out and said; alone, it is named in the error.
        let listed = try DICOMImport.readCTSeries(directory: dir.path)
        #expect(listed.leftOut == ["1 file (\(dir.file("notes.txt"))) without the DICOM Part 10 signature left out"], "\(listed.leftOut)")
        let alone = try DICOMDirectory()
        try Data("notes".utf8).write(to: URL(fileURLWithPath: alone.file("notes.txt")))
        let none = try #require(throws: DICOMError.self) { try DICOMImport.readCTSeries(directory: alone.path) }
        #expect(none.reason.hasPrefix("no CT image files found; 1 file (") && none.reason.contains("notes.txt"), "\(none)")
        #expect(throws: DICOMError.self) { try DICOMImport.readCTSeries(directory: dir.file("absent")) }
    }

    /// Every 32-bit length field of an explicit VR file with undefined lengths set to 4 GB - 2,
    /// and every 16-bit length field set to 65535.
    @Test func hugeLengthsAreRejected() throws {
        var s = SyntheticCT()
        s.undefinedLengths = true
        let bytes = try s.fileBytes(s.dataSet(0))
        var cases = 0
        for offset in stride(from: 132, to: bytes.count - 4, by: 2) {
            var damaged = bytes
            damaged.replaceSubrange(offset..<(offset + 4), with: [0xFE, 0xFF, 0xFF, 0xFF])
            do {
                let file = try DICOMFile.parse(bytes: damaged, path: "huge.dcm")
                _ = try? DICOMImagePixel(file.dataSet, maxPixels: 1 << 20)
            } catch let error as DICOMError {
                #expect(error.file == "huge.dcm")
                cases += 1
            }
        }
        #expect(cases > 50)
    }

    @Test func deepNestingIsCapped() throws {
        var item = DICOMDataSet(file: "deep")
        item.set(DICOMTags.roiName, "LO", "x")
        for _ in 0..<40 {
            var outer = DICOMDataSet(file: "deep")
            outer.set(DICOMTags.contourSequence, items: [item])
            item = outer
        }
        item.set(DICOMTags.sopClassUID, "UI", "1.2")
        item.set(DICOMTags.sopInstanceUID, "UI", "1.2.3")
        for undefined in [false, true] {
            let bytes = try DICOMEncoder(undefinedLengths: undefined).fileBytes(item)
            let error = try #require(throws: DICOMError.self) { try DICOMFile.parse(bytes: bytes, path: "deep.dcm") }
            #expect(error.reason.contains("nested deeper than 16"))
        }
    }

    @Test func unsupportedTransferSyntaxIsNamed() throws {
        var meta = DICOMDataSet(file: "big.dcm")
        meta.set(DICOMTags.transferSyntaxUID, "UI", "1.2.840.10008.1.2.4.50")
        let bytes = [UInt8](repeating: 0, count: 128) + Array("DICM".utf8) + (try DICOMEncoder().encode(meta))
        let error = try #require(throws: DICOMError.self) { try DICOMFile.parse(bytes: bytes, path: "big.dcm") }
        #expect(error.description.contains("1.2.840.10008.1.2.4.50 (JPEG Baseline) is not supported"))
        #expect(error.tag == DICOMTags.transferSyntaxUID)
    }

    @Test func corruptPixelDataFailsCleanly() throws {
        var s = SyntheticCT()
        s.syntax = .rleLossless
        var d = s.dataSet(0)
        d.set(DICOMElement(tag: DICOMTags.pixelData, vr: "OB", value: .encapsulated(offsetTable: [], fragments: [[2, 0, 0, 0] + [UInt8](repeating: 0xFF, count: 60)])))
        let pixel = try DICOMImagePixel(d, maxPixels: 100)
        #expect(throws: DICOMError.self) { try DICOMPixelDecoder.storedValues(d, syntax: .rleLossless, pixel: pixel) }
        // A JPEG 2000 codestream that is garbage, truncated, or a real one with bytes flipped.
        let garbage: [[UInt8]] = [[0xFF, 0x4F, 0xFF, 0x51, 0, 0x29] + [UInt8](repeating: 0x41, count: 60), [1, 2, 3]]
        for fragment in garbage {
            #expect(throws: DICOMError.self) { try JPEG2000Decoder.decode(fragment, pixel: pixel, file: "j2k.dcm") }
        }
        let real = RealSeriesTests.directory + "/CT.1.3.12.2.1107.5.1.4.60064.30000022120808113428000016573"
        guard FileManager.default.fileExists(atPath: real) else { return }
        let file = try DICOMFile.read(path: real)
        guard case .encapsulated(_, let fragments)? = file.dataSet[DICOMTags.pixelData]?.value else { Issue.record("not encapsulated"); return }
        let frame = fragments.flatMap { $0 }
        let realPixel = try DICOMImagePixel(file.dataSet, maxPixels: 1 << 20)
        var rejected = 0
        for cut in stride(from: 0, to: min(frame.count, 3000), by: 97) {
            do { _ = try JPEG2000Decoder.decode(Array(frame[0..<cut]), pixel: realPixel, file: "cut.dcm") } catch is DICOMError { rejected += 1 }
        }
        #expect(rejected == (min(frame.count, 3000) + 96) / 97)
        // Bytes overwritten in the header and in the packet data: an error or a (wrong) image, never a crash.
        for offset in stride(from: 2, to: frame.count - 2, by: max(1, frame.count / 60)) {
            var damaged = frame
            damaged[offset] ^= 0xA5
            damaged[offset + 1] = 0xFF
            _ = try? JPEG2000Decoder.decode(damaged, pixel: realPixel, file: "flip.dcm")
        }
        let wrongSize = try DICOMImagePixel({ var d = file.dataSet; d.set(DICOMTags.rows, uint16: 256); return d }(), maxPixels: 1 << 20)
        let mismatch = try #require(throws: DICOMError.self) { try JPEG2000Decoder.decode(frame, pixel: wrongSize, file: "size.dcm") }
        #expect(mismatch.reason.contains("512×512"))
    }
}
