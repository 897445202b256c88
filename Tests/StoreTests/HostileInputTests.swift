import CHDF5
import Core
import Foundation
import Testing
@testable import Store

/// Opens a case written by ``makeCase()`` for writing and lets `body` damage it.
private func damagedCase(_ dir: TemporaryDirectory, _ body: (H5File) throws -> Void) throws -> String {
    let path = dir.file("case.h5")
    try makeCase().write(to: path)
    let file = try H5File.open(path, writable: true)
    defer { file.close() }
    try body(file)
    try file.closeChecked()
    return path
}

/// Replaces `/ct/hu` with a dataset of `fileType` and `shape` (nothing written: chunked storage
/// is allocated lazily, so even a huge dataspace costs a few bytes).
private func replaceCT(_ file: H5File, fileType: hid_t, shape: [Int]) throws {
    let ct = try file.openGroup("ct")
    defer { ct.close() }
    #expect(H5Ldelete(ct.id, "hu", rt_h5p_default()) >= 0)
    try ct.createDataset("hu", fileType: fileType, shape: shape, layout: .chunked(chunk: [1, 64, 64])).close()
}

/// Sets attribute `name` on `/ct` and on the root.
private func setGeometry(_ file: H5File, _ name: String, _ value: AttributeValue) throws {
    let ct = try file.openGroup("ct")
    defer { ct.close() }
    try ct.writeAttribute(name, value)
    try file.writeAttribute(name, value)
}

/// The error message of reading the case at `path` (full read and summary must agree on failing).
private func readFailure(_ path: String, limits: StoreLimits = StoreLimits()) -> String {
    #expect(throws: StoreError.self) { _ = try CaseFile.summary(path: path, limits: limits) }
    return errorText { _ = try CaseFile.read(path: path, limits: limits) } ?? "(no error)"
}

@Suite struct HostileInputTests {
    @Test func truncatedFilesGiveCleanErrors() throws {
        let dir = try TemporaryDirectory()
        try makeCase().write(to: dir.file("case.h5"))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: dir.file("case.h5")))
        let n = bytes.count
        let offsets = [0, 1, 8, 100, 500, 1500, n / 4, n / 2, 3 * n / 4, n - 1]
        #expect(Set(offsets).count == 10)
        for offset in offsets {
            let path = dir.file("cut-\(offset).h5")
            try bytes.prefix(offset).write(to: URL(fileURLWithPath: path))
            let message = errorText { _ = try CaseFile.read(path: path) }
            let text = message ?? "read succeeded"
            #expect(text.contains(path), "truncated at \(offset) of \(n): \(text)")
            // Measured: offsets < 8 lack the signature; from 100 bytes on HDF5 reports "truncated file: eof = …".
            #expect(text.contains("not an HDF5 file") || text.contains("HDF5 file open failed"), "truncated at \(offset): \(text)")
            if offset >= 100 { #expect(text.contains("truncated file: eof = \(offset)"), "\(text)") }
        }
    }

    @Test func textFileNamedH5IsNotHDF5() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("notes.h5")
        try Data("patient notes, not a volume\n".utf8).write(to: URL(fileURLWithPath: path))
        let message = readFailure(path)
        #expect(message.contains(path) && message.contains("not an HDF5 file"), "\(message)")
    }

    @Test func missingFileIsAnIOError() {
        #expect(errorText { _ = try CaseFile.read(path: "/nonexistent/case.h5") }?.contains("no such file") == true)
    }

    @Test func ctStoredAsFloat32IsRejected() throws {
        let dir = try TemporaryDirectory()
        let path = try damagedCase(dir) { try replaceCT($0, fileType: rt_h5t_ieee_f32le(), shape: [9, 10, 12]) }
        let message = readFailure(path)
        #expect(message.contains("/ct/hu") && message.contains("float32") && message.contains("int16"), "\(message)")
    }

    @Test func ctOfRankTwoIsRejected() throws {
        let dir = try TemporaryDirectory()
        let path = try damagedCase(dir) { file in
            let ct = try file.openGroup("ct")
            defer { ct.close() }
            #expect(H5Ldelete(ct.id, "hu", rt_h5p_default()) >= 0)
            try ct.createDataset("hu", fileType: rt_h5t_std_i16le(), shape: [90, 12], layout: .contiguous).close()
        }
        let message = readFailure(path)
        #expect(message.contains("/ct/hu") && message.contains("rank 2"), "\(message)")
    }

    @Test func missingCTIsNamed() throws {
        let dir = try TemporaryDirectory()
        let path = try damagedCase(dir) { file in
            let ct = try file.openGroup("ct")
            defer { ct.close() }
            #expect(H5Ldelete(ct.id, "hu", rt_h5p_default()) >= 0)
        }
        #expect(readFailure(path).contains("/ct/hu is missing"))
    }

    @Test func structureWithOtherDimensionsIsRejected() throws {
        let dir = try TemporaryDirectory()
        let path = try damagedCase(dir) { file in
            let group = try file.openGroup("structures")
            defer { group.close() }
            try group.createDataset("Spine", fileType: rt_h5t_std_u8le(), shape: [9, 10, 11], layout: .chunked(chunk: [8, 10, 11])).close()
        }
        let message = readFailure(path)
        #expect(message.contains("/structures/Spine") && message.contains("9×10×11") && message.contains("9×10×12"), "\(message)")
    }

    @Test func spacingOfWrongLengthIsRejected() throws {
        let dir = try TemporaryDirectory()
        let path = try damagedCase(dir) { try setGeometry($0, "spacing_mm", .doubles([1.5, 2])) }
        let message = readFailure(path)
        #expect(message.contains("spacing_mm") && message.contains("expected 3 numbers"), "\(message)")
    }

    @Test(arguments: [0.0, -2.0, .nan, .infinity])
    func nonPositiveOrNonFiniteSpacingIsRejected(bad: Double) throws {
        let dir = try TemporaryDirectory()
        let path = try damagedCase(dir) { try setGeometry($0, "spacing_mm", .doubles([1.5, bad, 3])) }
        let message = readFailure(path)
        #expect(message.contains("spacing_mm") && message.contains("finite and positive"), "\(message)")
    }

    /// `/ct/hu` as an external link to another case file (whose CT would be imported as this case's) or as a
    /// soft link is refused, naming the link.
    @Test func linkedCTIsRefused() throws {
        let dir = try TemporaryDirectory()
        let victim = dir.file("victim.h5")
        try makeCase().write(to: victim)
        let external = try damagedCase(dir) { file in
            let ct = try file.openGroup("ct")
            defer { ct.close() }
            #expect(H5Ldelete(ct.id, "hu", rt_h5p_default()) >= 0)
            #expect(H5Lcreate_external(victim, "/ct/hu", ct.id, "hu", rt_h5p_default(), rt_h5p_default()) >= 0)
        }
        let message = readFailure(external)
        #expect(message.contains("/ct/hu") && message.contains("is an external link"), "\(message)")
        #expect(throws: StoreError.self) { _ = try CaseFile.readCT(path: external) }

        let soft = try damagedCase(dir) { file in
            let ct = try file.openGroup("ct")
            defer { ct.close() }
            #expect(H5Lmove(ct.id, "hu", file.id, "/stored_hu", rt_h5p_default(), rt_h5p_default()) >= 0)
            #expect(H5Lcreate_soft("/stored_hu", ct.id, "hu", rt_h5p_default(), rt_h5p_default()) >= 0)
        }
        #expect(readFailure(soft).contains("is a soft link"))
    }

    /// A structure whose bytes live in an external raw file (here a copy of any readable file) is refused: only
    /// data stored in the case file itself is read.
    @Test func externalRawStorageIsRefused() throws {
        let dir = try TemporaryDirectory()
        let outside = dir.file("outside.bin")
        try Data(repeating: 7, count: 9 * 10 * 12).write(to: URL(fileURLWithPath: outside))
        let path = try damagedCase(dir) { file in
            let group = try file.openGroup("structures")
            defer { group.close() }
            let name = try group.childNames()[0]
            #expect(H5Ldelete(group.id, name, rt_h5p_default()) >= 0)
            let plist = H5Pcreate(rt_h5p_dataset_create())
            defer { H5Pclose(plist) }
            #expect(H5Pset_external(plist, outside, 0, hsize_t(9 * 10 * 12)) >= 0)
            var dims: [hsize_t] = [9, 10, 12]
            let space = H5Screate_simple(3, &dims, nil)
            defer { H5Sclose(space) }
            let dataset = H5Dcreate2(group.id, name, rt_h5t_std_u8le(), space, rt_h5p_default(), plist, rt_h5p_default())
            #expect(dataset >= 0)
            H5Dclose(dataset)
        }
        let message = readFailure(path)
        #expect(message.contains("external file"), "\(message)")
    }

    /// Finite but absurd geometry (outside 0.05–50 mm spacing, beyond ±100 m origin) is named, not read.
    @Test(arguments: [("spacing_mm", [1.5, 1e-300, 3.0]), ("spacing_mm", [1.5, 0.01, 3.0]), ("spacing_mm", [1e300, 1.0, 1.0]),
                      ("origin_mm", [0.0, 1e308, 0.0]), ("origin_mm", [-2e5, 0.0, 0.0])])
    func absurdGeometryIsRejected(attribute: String, values: [Double]) throws {
        let dir = try TemporaryDirectory()
        let path = try damagedCase(dir) { try setGeometry($0, attribute, .doubles(values)) }
        let message = readFailure(path)
        #expect(message.contains(attribute) && (message.contains("outside the accepted 0.05–50.0 mm") || message.contains("beyond ±100000 mm")),
                "\(message)")
    }

    /// The edges of the accepted geometry still read.
    @Test func geometryAtTheLimitsReads() throws {
        let dir = try TemporaryDirectory()
        let path = try damagedCase(dir) { file in
            try setGeometry(file, "spacing_mm", .doubles([0.05, 50, 1]))
            try setGeometry(file, "origin_mm", .doubles([-100_000, 100_000, 0]))
        }
        #expect(try CaseFile.read(path: path).ct.grid.spacingMM == SIMD3(0.05, 50, 1))
    }

    /// `orientation` is a DICOM patient position or the case is refused, naming the file: control characters,
    /// 100 000 characters or an unknown term on the root or on `/ct`; the defined terms read back.
    @Test(arguments: ["\u{1}bad", String(repeating: "A", count: 100_000), "XYZ", "hfs", "HFS "])
    func orientationOutsideThePatientPositionsIsRefused(value: String) throws {
        let dir = try TemporaryDirectory()
        let path = try damagedCase(dir) { try setGeometry($0, "orientation", .string(value)) }
        let message = readFailure(path)
        #expect(message.contains(path) && message.contains("attribute orientation") && message.contains("is not a DICOM patient position"),
                "\(message.prefix(300))")
        #expect(message.count < 400, "the value is not echoed in full: \(message.count) characters")
        let inMemory = errorText { _ = try CaseFile(ct: try makeCT(), orientation: value, source: "import.nii") }
        #expect(inMemory?.hasPrefix("import.nii: / attribute orientation:") == true, "\(inMemory ?? "no error")")
    }

    @Test func everyPatientPositionReadsBack() throws {
        let dir = try TemporaryDirectory()
        for position in CaseFile.patientPositions {
            let path = dir.file("\(position).h5")
            try CaseFile(ct: try makeCT(), orientation: position).write(to: path)
            #expect(try CaseFile.read(path: path).orientation == position)
        }
        #expect(CaseFile.patientPositions.count == 16)
    }

    /// Patient ID and name go into DICOM exports: a backslash, control characters or more than 64 characters are
    /// refused; ISO 2022 escapes and `=`-separated name groups of up to 64 characters pass.
    @Test func patientFieldsMustFitDICOM() throws {
        let ct = try CTVolume(grid: Grid(nx: 2, ny: 2, nz: 2, spacingMM: SIMD3(1, 1, 1)), voxels: [Int16](repeating: 0, count: 8))
        func identity(id: String, name: String) -> CTSeriesIdentity {
            CTSeriesIdentity(patientID: id, patientName: name, studyInstanceUID: "1.2.3", seriesInstanceUID: "1.2.4",
                             sopClassUID: "1.2.840.10008.5.1.4.1.1.2", sopInstanceUIDs: [])
        }
        for (id, name, field) in [("a\\b", "Doe^Jane", "patient_id"), ("P1", "Doe\nJane", "patient_name"),
                                  (String(repeating: "9", count: 65), "Doe", "patient_id"), ("P1", String(repeating: "x", count: 65), "patient_name")] {
            let error = #expect(throws: StoreError.self) { try CaseFile(ct: ct, seriesIdentity: identity(id: id, name: name)) }
            #expect(error?.description.contains(field) == true, "\(String(describing: error))")
        }
        let longGroups = String(repeating: "y", count: 64) + "=" + String(repeating: "z", count: 64)
        #expect(throws: Never.self) { try CaseFile(ct: ct, seriesIdentity: identity(id: "P1", name: longGroups)) }
        #expect(throws: Never.self) { try CaseFile(ct: ct, seriesIdentity: identity(id: "P1", name: "Yamada^Tarou=\u{1B}$B;3ED\u{1B}(B^\u{1B}$BB@O:\u{1B}(B")) }
    }

    /// UIDs that end up in DICOM exports must have the UID syntax.
    @Test(arguments: ["\"><script>alert(1)</script>", "1.2..3", "1.2.3.", String(repeating: "1", count: 65), "1.2.a"])
    func malformedFrameOfReferenceUIDIsRejected(uid: String) throws {
        let ct = try CTVolume(grid: Grid(nx: 2, ny: 2, nz: 2, spacingMM: SIMD3(1, 1, 1)), voxels: [Int16](repeating: 0, count: 8))
        let error = #expect(throws: StoreError.self) { try CaseFile(ct: ct, frameOfReferenceUID: uid) }
        #expect(error?.description.contains("is not a DICOM UID") == true)
        #expect(throws: Never.self) { try CaseFile(ct: ct, frameOfReferenceUID: "1.2.840.10008.5.1.4.1.1.2") }
    }

    @Test func disagreeingSpacingOnRootAndCTIsRejected() throws {
        let dir = try TemporaryDirectory()
        let path = try damagedCase(dir) { try $0.writeAttribute("spacing_mm", .doubles([1.5, 2, 2.5])) }
        let message = readFailure(path)
        #expect(message.contains("/ attribute spacing_mm") && message.contains("disagrees with /ct attribute spacing_mm"), "\(message)")
    }

    @Test func otherArrayOrderAndNewerSchemaAreRejected() throws {
        let dir = try TemporaryDirectory()
        let xyz = try damagedCase(dir) { try setGeometry($0, "array_order", .string("xyz")) }
        #expect(readFailure(xyz).contains("array_order is \"xyz\""))
        let newer = try damagedCase(dir) { try $0.writeAttribute("schema", .int(2)) }
        #expect(readFailure(newer).contains("schema version 2 is not supported"))
    }

    @Test func hugeDataspaceIsRejectedBeforeAllocation() throws {
        let dir = try TemporaryDirectory()
        let path = try damagedCase(dir) { try replaceCT($0, fileType: rt_h5t_std_i16le(), shape: [10_000, 10_000, 10_000]) }
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0 < 1 << 20)
        let message = readFailure(path)
        #expect(message.contains("/ct/hu") && message.contains("1000000000000 elements"), "\(message)")
        let slab = errorText { _ = try CaseFile.readCTSlab(path: path, zRange: 0..<10_000) } ?? ""
        #expect(slab.contains("/ct/hu") && slab.contains("exceeds the limit"), "\(slab)")
    }

    @Test func voxelLimitAppliesToSmallFilesToo() throws {
        let dir = try TemporaryDirectory()
        try makeCase().write(to: dir.file("case.h5"))
        let message = readFailure(dir.file("case.h5"), limits: StoreLimits(maxVoxels: 1000))
        #expect(message.contains("1080 elements") && message.contains("limit of 1000"), "\(message)")
        #expect(try CaseFile.readCTSlab(path: dir.file("case.h5"), zRange: 0..<2, limits: StoreLimits(maxVoxels: 1000)).voxels.count == 240)
    }

    @Test func nanInDoseIsRejectedOnRead() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("result.h5")
        let result = try ResultFileTests.makeResult()
        try result.write(to: path)
        do {
            let file = try H5File.open(path, writable: true)
            defer { file.close() }
            let dose = try file.openGroup("dose")
            defer { dose.close() }
            let total = try dose.openDataset("total")
            defer { total.close() }
            var voxels = try #require(result.doseGy).voxels
            voxels[17] = .nan
            try total.write(voxels)
        }
        let message = errorText { _ = try ResultFile.read(path: path) } ?? ""
        #expect(message.contains("/dose/total") && message.contains("NaN") && message.contains("element 17"), "\(message)")
    }

    @Test func segmentationMasksOnDifferentGridsAreRejected() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("result.h5")
        try ResultFileTests.makeResult().write(to: path)
        do {
            let file = try H5File.open(path, writable: true)
            defer { file.close() }
            let seg = try file.openGroup("segmentation")
            defer { seg.close() }
            let mask = try seg.openDataset("lung_left")
            defer { mask.close() }
            try mask.writeAttribute("origin_mm", .doubles([0, 0, 0]))
        }
        let message = errorText { _ = try ResultFile.read(path: path) } ?? ""
        #expect(message.contains("/segmentation/lung_left") && message.contains("differs from /segmentation/body"), "\(message)")
    }
}

@Suite struct AttributeToleranceTests {
    /// Writes a float32 vector attribute with the raw HDF5 API (our writer only writes float64).
    private func writeFloat32(_ object: H5Object, _ name: String, _ values: [Float]) {
        _ = H5Adelete(object.id, name)
        var dims = [hsize_t(values.count)]
        let space = H5Screate_simple(1, &dims, nil)
        let attr = H5Acreate2(object.id, name, rt_h5t_ieee_f32le(), space, rt_h5p_default(), rt_h5p_default())
        #expect(H5Awrite(attr, rt_h5t_native_float(), values) >= 0)
        H5Aclose(attr)
        H5Sclose(space)
    }

    /// Writes a fixed-length, space-padded ASCII string attribute (our writer writes variable-length UTF-8).
    private func writeFixedString(_ object: H5Object, _ name: String, _ value: String, size: Int) {
        _ = H5Adelete(object.id, name)
        let type = H5Tcopy(rt_h5t_c_s1())
        H5Tset_size(type, size)
        H5Tset_strpad(type, H5T_STR_SPACEPAD)
        let space = H5Screate(H5S_SCALAR)
        let attr = H5Acreate2(object.id, name, type, space, rt_h5p_default(), rt_h5p_default())
        let bytes = Array(value.utf8) + [UInt8](repeating: 0x20, count: size - value.utf8.count)
        #expect(H5Awrite(attr, type, bytes) >= 0)
        H5Aclose(attr)
        H5Sclose(space)
        H5Tclose(type)
    }

    @Test func float32GeometryAndFixedLengthStringsAreRead() throws {
        let dir = try TemporaryDirectory()
        let path = try damagedCase(dir) { file in
            let ct = try file.openGroup("ct")
            defer { ct.close() }
            for object in [ct, file] as [H5Object] {
                writeFloat32(object, "spacing_mm", [1.5, 2, 3])
                writeFloat32(object, "origin_mm", [-10, 20, -30])
                writeFixedString(object, "orientation", "FFS", size: 8)
                writeFixedString(object, "array_order", "zyx", size: 3)
            }
            let group = try file.openGroup("structures")
            defer { group.close() }
            let ptv = try group.openDataset("PTV")
            defer { ptv.close() }
            writeFixedString(ptv, "voi_type", "TARGET", size: 10)
            writeFloat32(ptv, "overlap_priority", [4])
        }
        let c = try CaseFile.read(path: path)
        #expect(c.ct.grid == (try makeCT()).grid)
        #expect(c.orientation == "FFS")
        #expect(c.structure(named: "PTV")?.voiType == "TARGET")
        #expect(c.structure(named: "PTV")?.overlapPriority == 4)
    }
}
