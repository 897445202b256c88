import Core
import Foundation
import Testing
@testable import Store

/// Synthetic series written in every supported syntax import with exact HU and geometry.
@Suite struct DICOMImportTests {
    static let syntaxes: [(DICOMTransferSyntax, Bool)] = [
        (.implicitVRLittleEndian, false), (.explicitVRLittleEndian, false), (.explicitVRLittleEndian, true),
        (.deflatedExplicitVRLittleEndian, false), (.rleLossless, false), (.rleLossless, true),
    ]

    @Test(arguments: syntaxes) func roundTrip(syntax: DICOMTransferSyntax, undefinedLengths: Bool) throws {
        let dir = try DICOMDirectory()
        var s = SyntheticCT()
        s.syntax = syntax
        s.undefinedLengths = undefinedLengths
        try s.write(to: dir.path)
        let series = try DICOMImport.readCTSeries(directory: dir.path)
        let g = series.ct.grid
        #expect((g.nx, g.ny, g.nz) == (s.columns, s.rows, s.slices))
        #expect(g.spacingMM == SIMD3(0.7, 0.8, 2.5))
        #expect(g.originMM == s.origin)
        #expect(series.transferSyntax == syntax)
        #expect(series.seriesInstanceUID == "1.2.3.4.5" && series.frameOfReferenceUID == "1.2.3.9" && series.studyInstanceUID == "1.2.3.4")
        #expect(series.patientName == "Test^Patient" && series.patientID == "P1" && series.patientPosition == "HFS")
        #expect(series.sopInstanceUIDs == (1...4).map { "1.2.3.4.5.\($0)" })
        for k in 0..<s.slices { for j in 0..<s.rows { for i in 0..<s.columns {
            #expect(series.ct[i, j, k] == Int16(s.stored(i, j, k) - 1024))
        } } }
    }

    /// Patient Position must be a DICOM defined term (or absent): anything else names the file and the tag.
    @Test func patientPositionIsADefinedTerm() throws {
        for (position, accepted) in [("FFP", true), ("", true), ("XXXXXXXXXXXXXXXX", false), ("H\u{1}S", false)] {
            let dir = try DICOMDirectory()
            var s = SyntheticCT()
            s.patientPosition = position
            try s.write(to: dir.path)
            if accepted {
                #expect(try DICOMImport.readCTSeries(directory: dir.path).patientPosition == position)
            } else {
                let error = try #require(throws: DICOMError.self) { try DICOMImport.readCTSeries(directory: dir.path) }
                #expect(error.file.hasPrefix(dir.path) && error.tag == DICOMTags.patientPosition, "\(error)")
                #expect(error.reason.contains("is not a DICOM patient position"), "\(error)")
            }
        }
    }

    @Test func unsignedPixelsAndSlopeAreApplied() throws {
        let dir = try DICOMDirectory()
        var s = SyntheticCT()
        s.signed = false
        s.slope = 2
        s.intercept = -1000
        try s.write(to: dir.path)
        let ct = try DICOMImport.readCTSeries(directory: dir.path).ct
        #expect(ct[4, 5, 3] == Int16(2 * s.stored(4, 5, 3) - 1000))
    }

    /// Rows along -x and columns along -y, slices written in reverse order: the volume is flipped so
    /// that spacing is positive, and every voxel's centre is the DICOM position of its pixel.
    @Test func flippedOrientationMapsToPositiveSpacing() throws {
        let dir = try DICOMDirectory()
        var s = SyntheticCT()
        s.orientation = [-1, 0, 0, 0, -1, 0]     // normal +z
        try s.write(to: dir.path)
        let ct = try DICOMImport.readCTSeries(directory: dir.path).ct
        let g = ct.grid
        #expect(g.spacingMM.x > 0 && g.spacingMM.y > 0 && g.spacingMM.z > 0)
        for k in 0..<s.slices { for j in 0..<s.rows { for i in 0..<s.columns {
            // DICOM: position + i·Δc·row + j·Δr·column.
            let p = s.origin + Double(k) * 2.5 * SIMD3(0, 0, 1) + Double(i) * 0.7 * SIMD3(-1, 0, 0) + Double(j) * 0.8 * SIMD3(0, -1, 0)
            let v = g.voxelCoordinates(of: p)
            let (x, y, z) = (Int(v.x.rounded()), Int(v.y.rounded()), Int(v.z.rounded()))
            #expect(abs(v.x - Double(x)) < 1e-9 && abs(v.y - Double(y)) < 1e-9 && abs(v.z - Double(z)) < 1e-9)
            #expect(ct[x, y, z] == Int16(s.stored(i, j, k) - 1024))
        } } }
    }

    @Test func transposedAxialOrientationIsSupported() throws {
        let dir = try DICOMDirectory()
        var s = SyntheticCT()
        s.orientation = [0, 1, 0, 1, 0, 0]       // rows along +y, columns along +x; normal -z
        try s.write(to: dir.path)
        let ct = try DICOMImport.readCTSeries(directory: dir.path).ct
        #expect((ct.grid.nx, ct.grid.ny) == (s.rows, s.columns))
        #expect(ct.grid.spacingMM == SIMD3(0.8, 0.7, 2.5))
        // Slice k lies at z = -100 - 2.5 k, so z index 0 is slice 3; pixel (i, j) at x = j, y = i.
        #expect(ct[5, 4, 0] == Int16(s.stored(4, 5, 3) - 1024))
        #expect(ct.grid.originMM.z == -107.5)
    }

    @Test func severalSeriesAreListedOrChosen() throws {
        let dir = try DICOMDirectory()
        var a = SyntheticCT()
        try a.write(to: dir.path, prefix: "a")
        a.seriesUID = "1.2.3.4.6"
        a.slices = 3
        try a.write(to: dir.path, prefix: "b")
        let error = try #require(throws: DICOMError.self) { try DICOMImport.readCTSeries(directory: dir.path) }
        #expect(error.reason.contains("2 CT series") && error.reason.contains("1.2.3.4.5 'synthetic 1.2.3.4.5' (4 slices)")
                && error.reason.contains("1.2.3.4.6 'synthetic 1.2.3.4.6' (3 slices)"))
        #expect(try DICOMImport.readCTSeries(directory: dir.path, seriesUID: "1.2.3.4.6").ct.grid.nz == 3)
        #expect(throws: DICOMError.self) { try DICOMImport.readCTSeries(directory: dir.path, seriesUID: "9.9") }
    }

    /// The import error of the default synthetic series after `edit(series, directory)`, as printed.
    static func failure(_ edit: (SyntheticCT, String) throws -> Void) throws -> String {
        let dir = try DICOMDirectory()
        let s = SyntheticCT()
        try s.write(to: dir.path)
        try edit(s, dir.path)
        return try #require(throws: DICOMError.self) { try DICOMImport.readCTSeries(directory: dir.path) }.description
    }

    @Test func geometryErrorsAreReported() throws {
        let failure = Self.failure
        // Gap: slice 3 moved one spacing further.
        #expect(try failure { s, d in try s.write(s.dataSet(3, position: s.origin + SIMD3(0, 0, 10)), to: d + "/ct3.dcm") }.contains("gap"))
        #expect(try failure { s, d in try s.write(s.dataSet(3, position: s.origin + SIMD3(0, 0, 5)), to: d + "/ct3.dcm") }.contains("duplicate"))
        #expect(try failure { s, d in try s.write(s.dataSet(3, position: s.origin + SIMD3(0, 0, 8.6)), to: d + "/ct3.dcm") }.contains("non-uniform"))
        // Tilted gantry as an in-plane shift of one slice.
        #expect(try failure { s, d in try s.write(s.dataSet(3, position: s.origin + SIMD3(0, 3, 7.5)), to: d + "/ct3.dcm") }.contains("tilted"))
        // Tilted orientation for the whole series.
        let tilted = try DICOMDirectory()
        var t = SyntheticCT()
        t.orientation = [1, 0, 0, 0, 0.9848077530, 0.1736481777]
        try t.write(to: tilted.path)
        #expect(try #require(throws: DICOMError.self) { try DICOMImport.readCTSeries(directory: tilted.path) }.reason.contains("not axial"))
        var c = SyntheticCT()
        c.orientation = [1, 0, 0, 0, 0, -1]
        let coronal = try DICOMDirectory()
        try c.write(to: coronal.path)
        #expect(try #require(throws: DICOMError.self) { try DICOMImport.readCTSeries(directory: coronal.path) }.reason.contains("not axial"))
        // One slice with another orientation, another size.
        #expect(try failure { s, d in var o = s; o.orientation = [-1, 0, 0, 0, 1, 0]; try o.write(o.dataSet(3), to: d + "/ct3.dcm") }.contains("differs"))
        #expect(try failure { s, d in var o = s; o.rows = 7; try o.write(o.dataSet(3), to: d + "/ct3.dcm") }.contains("differ"))
    }

    /// A slice whose image pixel attributes differ is refused under the attribute that differs.
    @Test func differingPixelAttributeIsNamed() throws {
        func failure(_ edit: (inout SyntheticCT) -> Void) throws -> DICOMError {
            let dir = try DICOMDirectory()
            let s = SyntheticCT()
            try s.write(to: dir.path)
            var o = s
            edit(&o)
            try o.write(o.dataSet(3), to: dir.file("ct3.dcm"))
            return try #require(throws: DICOMError.self) { try DICOMImport.readCTSeries(directory: dir.path) }
        }
        let representation = try failure { $0.signed = false }
        #expect(representation.tag == DICOMTags.pixelRepresentation && representation.file.hasSuffix("/ct3.dcm"), "\(representation)")
        #expect(representation.reason.contains("is 0 (unsigned), 1 (signed) in ") && representation.reason.contains("/ct0.dcm"), "\(representation)")
        #expect(representation.description.contains("(0028,0103)"), "\(representation)")
        let columns = try failure { $0.columns = 9 }
        #expect(columns.tag == DICOMTags.columns && columns.reason.contains("image is 6×9 pixels (rows × columns), 6×5 in "), "\(columns)")
    }

    /// An image of another modality in the CT series is named; one in another series is counted where a slice is missing.
    @Test func otherModalityIsNamed() throws {
        let dir = try DICOMDirectory()
        var s = SyntheticCT()
        s.slices = 6
        try s.write(to: dir.path)
        var pet = s.dataSet(4)
        pet.set(DICOMTags.modality, "CS", "PT")
        try s.write(pet, to: dir.file("ct4.dcm"))
        let mixed = try #require(throws: DICOMError.self) { try DICOMImport.readCTSeries(directory: dir.path) }
        #expect(mixed.file == dir.file("ct4.dcm") && mixed.tag == DICOMTags.modality, "\(mixed)")
        #expect(mixed.reason.contains("is 'PT' in CT series 1.2.3.4.5") && mixed.reason.contains("mixing modalities"), "\(mixed)")
        // The same file in a series of its own: the CT has a gap there, and the message says what was left out.
        pet.set(DICOMTags.seriesInstanceUID, "UI", "1.2.3.4.7")
        try s.write(pet, to: dir.file("ct4.dcm"))
        let gap = try #require(throws: DICOMError.self) { try DICOMImport.readCTSeries(directory: dir.path) }
        #expect(gap.reason.contains("gap: slice is 5 mm from the previous one") && gap.reason.contains("the series spacing is 2.5 mm"), "\(gap)")
        #expect(gap.reason.contains("1 image file of modality PT ignored"), "\(gap)")
    }

    /// Vectors print as (x, y, z) mm, numbers rounded (no Swift type names, no binary fractions).
    @Test func messagesShowRoundedNumbers() throws {
        let failure = Self.failure
        let duplicate = try failure { s, d in try s.write(s.dataSet(3, position: s.origin + SIMD3(0, 0, 5)), to: d + "/ct3.dcm") }
        #expect(duplicate.contains("duplicate slice position (-20, 30, -95) mm"), "\(duplicate)")
        // −100 + 8.6 − (−95) is 3.6000000000000085 in binary.
        let uneven = try failure { s, d in try s.write(s.dataSet(3, position: s.origin + SIMD3(0, 0, 8.6)), to: d + "/ct3.dcm") }
        #expect(uneven.contains("non-uniform spacing: slice is 3.6 mm from the previous one"), "\(uneven)")
        let unit = try failure { s, d in var o = s; o.orientation = [2, 0, 0, 0, 1, 0]; try o.write(o.dataSet(3), to: d + "/ct3.dcm") }
        #expect(unit.contains("direction (2, 0, 0) is not a unit vector"), "\(unit)")
        for text in [duplicate, uneven, unit] { #expect(!text.contains("SIMD") && !text.contains("0000000"), "\(text)") }
        #expect(DICOMNumberText.number(2.7000000000000455) == "2.7" && DICOMNumberText.number(-0.00001) == "0"
                && DICOMNumberText.number(0.12346) == "0.1235" && DICOMNumberText.number(-1e20) == "-1e+20")
    }

    /// Files in subfolders (any depth) are part of the import; hidden folders are not; a link loop ends.
    @Test func subfoldersAreImported() throws {
        let dir = try DICOMDirectory()
        var s = SyntheticCT()
        s.slices = 5
        try FileManager.default.createDirectory(atPath: dir.file("a/b"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir.file(".hidden"), withIntermediateDirectories: true)
        for k in 0..<5 { try s.write(s.dataSet(k), to: dir.file(["ct\(k).dcm", "a/ct\(k).dcm", "a/b/ct\(k).dcm"][k % 3])) }
        try s.write(s.dataSet(9), to: dir.file(".hidden/ct9.dcm"))  // a gap if it were read
        try FileManager.default.createSymbolicLink(atPath: dir.file("a/b/loop"), withDestinationPath: dir.path)
        let series = try DICOMImport.readCTSeries(directory: dir.path)
        #expect(series.ct.grid.nz == 5 && series.ct.grid.originMM == s.origin)
        #expect(series.sopInstanceUIDs == (1...5).map { "1.2.3.4.5.\($0)" })
    }

    /// What an exported CD or PACS folder holds besides the series (a README, an index, an RT Structure Set) is left
    /// out and said; a file with the signature that fails to parse is still an error naming it.
    @Test func nonDICOMFilesAndObjectsWithoutImageAreLeftOutAndSaid() throws {
        let dir = try DICOMDirectory()
        var s = SyntheticCT()
        s.slices = 4
        try FileManager.default.createDirectory(atPath: dir.file("sub"), withIntermediateDirectories: true)
        try s.write(to: dir.file("sub"))
        try Data("license text".utf8).write(to: URL(fileURLWithPath: dir.file("LICENSE")))
        try Data(repeating: 0x41, count: 4000).write(to: URL(fileURLWithPath: dir.file("sub/INDEX.HTM")))
        var rtstruct = DICOMDataSet(file: "rs.dcm")
        rtstruct.set(DICOMTags.sopClassUID, "UI", "1.2.840.10008.5.1.4.1.1.481.3")
        rtstruct.set(DICOMTags.sopInstanceUID, "UI", "1.2.3.4.99")
        rtstruct.set(DICOMTags.modality, "CS", "RTSTRUCT")
        try s.write(rtstruct, to: dir.file("rs.dcm"))
        let series = try DICOMImport.readCTSeries(directory: dir.path)
        #expect(series.ct.grid.nz == 4)
        #expect(series.leftOut.count == 2, "\(series.leftOut)")
        #expect(series.leftOut.first == "2 files (\(dir.file("LICENSE")), \(dir.file("sub/INDEX.HTM"))) without the DICOM Part 10 signature left out")
        #expect(series.leftOut.last?.hasPrefix("1 file (\(dir.file("rs.dcm"))) of DICOM objects RTSTRUCT without an image left out (contours") == true,
                "\(series.leftOut)")
        // A plain series leaves nothing out.
        let plain = try DICOMDirectory()
        try s.write(to: plain.path)
        #expect(try DICOMImport.readCTSeries(directory: plain.path).leftOut.isEmpty)
        // The signature followed by damage is not a README: the import fails, naming the file.
        var damaged = try s.fileBytes(s.dataSet(1))
        damaged.removeLast(damaged.count - 140)
        try Data(damaged).write(to: URL(fileURLWithPath: dir.file("sub/ct1.dcm")))
        let failure = try #require(throws: DICOMError.self) { try DICOMImport.readCTSeries(directory: dir.path) }
        #expect(failure.file == dir.file("sub/ct1.dcm"), "\(failure)")
    }

    @Test func limitsAreCheckedBeforeDecoding() throws {
        let dir = try DICOMDirectory()
        try SyntheticCT().write(to: dir.path)
        let perImage = try #require(throws: DICOMError.self) { try DICOMImport.readCTSeries(directory: dir.path, limits: StoreLimits(maxVoxels: 29)) }
        #expect(perImage.tag == DICOMTags.rows)
        let series = try #require(throws: DICOMError.self) { try DICOMImport.readCTSeries(directory: dir.path, limits: StoreLimits(maxVoxels: 100)) }
        #expect(series.reason.contains("exceeds the limit of 100"))
    }
}
