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

    @Test func geometryErrorsAreReported() throws {
        func failure(_ edit: (SyntheticCT, String) throws -> Void) throws -> String {
            let dir = try DICOMDirectory()
            let s = SyntheticCT()
            try s.write(to: dir.path)
            try edit(s, dir.path)
            return try #require(throws: DICOMError.self) { try DICOMImport.readCTSeries(directory: dir.path) }.description
        }
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

    @Test func limitsAreCheckedBeforeDecoding() throws {
        let dir = try DICOMDirectory()
        try SyntheticCT().write(to: dir.path)
        let perImage = try #require(throws: DICOMError.self) { try DICOMImport.readCTSeries(directory: dir.path, limits: StoreLimits(maxVoxels: 29)) }
        #expect(perImage.tag == DICOMTags.rows)
        let series = try #require(throws: DICOMError.self) { try DICOMImport.readCTSeries(directory: dir.path, limits: StoreLimits(maxVoxels: 100)) }
        #expect(series.reason.contains("exceeds the limit of 100"))
    }
}
