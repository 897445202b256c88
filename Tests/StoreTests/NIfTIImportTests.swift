import Core
import Foundation
import Testing
@testable import Store

@Suite struct NIfTIImportTests {
    /// 5×4×3 voxels (i, j, k) with distinct values v = i + 5j + 20k − 30.
    static let dims = [5, 4, 3]
    static func value(_ i: Int, _ j: Int, _ k: Int) -> Double { Double(i + 5 * j + 20 * k - 30) }
    static var values: [Double] {
        var v: [Double] = []
        for k in 0..<3 { for j in 0..<4 { for i in 0..<5 { v.append(value(i, j, k)) } } }
        return v
    }

    static func image(sform: [[Float]]) -> NIfTITestWriter {
        var w = NIfTITestWriter(dims: dims, sform: sform)
        w.setValues(values)
        return w
    }

    /// Checks that every input voxel, placed by the RAS affine `sform`, lands at the same LPS
    /// position in the imported volume (exact: all numbers are binary fractions).
    static func expectPlacement(_ ct: CTVolume, sform: [[Double]]) {
        var positionOfValue: [Int16: SIMD3<Double>] = [:]
        let g = ct.grid
        for z in 0..<g.nz { for y in 0..<g.ny { for x in 0..<g.nx { positionOfValue[ct[x, y, z]] = g.position(x, y, z) } } }
        #expect(positionOfValue.count == 60)
        for k in 0..<3 { for j in 0..<4 { for i in 0..<5 {
            let ras = (0..<3).map { sform[$0][0] * Double(i) + sform[$0][1] * Double(j) + sform[$0][2] * Double(k) + sform[$0][3] }
            let lps = SIMD3(-ras[0], -ras[1], ras[2])
            #expect(positionOfValue[Int16(value(i, j, k))] == lps, "voxel (\(i), \(j), \(k))")
        } } }
    }

    @Test func lpsStoredImageIsUnchanged() throws {
        let dir = try TemporaryDirectory()
        let sform: [[Float]] = [[-0.5, 0, 0, 10], [0, -1.25, 0, -20], [0, 0, 2, -30]]
        try Self.image(sform: sform).write(to: dir.file("lps.nii"))
        let ct = try NIfTIImport.readCT(path: dir.file("lps.nii"))
        #expect(ct.grid.nx == 5 && ct.grid.ny == 4 && ct.grid.nz == 3)
        #expect(ct.grid.spacingMM == SIMD3(0.5, 1.25, 2))
        #expect(ct.grid.originMM == SIMD3(-10, 20, -30))
        #expect(ct.voxels == Self.values.map { Int16($0) })
    }

    /// pixdim and the affines are in xyzt_units' spatial unit: metres and microns are converted to mm (a metre file had
    /// been read as 0.5 mm voxels, a micron file refused as 500 mm), an unknown unit is read as mm, other codes refused.
    @Test func spatialUnitsOfTheHeaderAreConvertedToMillimetres() throws {
        let dir = try TemporaryDirectory()
        for (units, scale) in [(UInt8(1), 1000.0), (2, 1), (3, 0.001), (0, 1), (0x0A, 1)] {
            let millimetres: [[Double]] = [[-0.5, 0, 0, 10], [0, -1.25, 0, -20], [0, 0, 2, -30]]
            var w = Self.image(sform: millimetres.map { $0.map { Float($0 / scale) } })
            w.xyztUnits = units
            try w.write(to: dir.file("u\(units).nii"))
            let ct = try NIfTIImport.readCT(path: dir.file("u\(units).nii"))
            #expect(abs(ct.grid.spacingMM.x - 0.5) < 1e-6 && abs(ct.grid.spacingMM.y - 1.25) < 1e-6 && abs(ct.grid.spacingMM.z - 2) < 1e-6,
                    "units \(units): \(ct.grid.spacingMM)")
            #expect(abs(ct.grid.originMM.x + 10) < 1e-4 && abs(ct.grid.originMM.y - 20) < 1e-4 && abs(ct.grid.originMM.z + 30) < 1e-4)
        }
        // The qform path: pixdim in metres.
        var q = Self.image(sform: [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]])
        (q.sformCode, q.qformCode, q.pixdim, q.xyztUnits) = (0, 1, [1, 0.0005, 0.00125, 0.002], 1)
        try q.write(to: dir.file("q.nii"))
        let ct = try NIfTIImport.readCT(path: dir.file("q.nii"))
        #expect(abs(ct.grid.spacingMM.x - 0.5) < 1e-6 && abs(ct.grid.spacingMM.y - 1.25) < 1e-6 && abs(ct.grid.spacingMM.z - 2) < 1e-6)
        var bad = Self.image(sform: [[-0.5, 0, 0, 10], [0, -1.25, 0, -20], [0, 0, 2, -30]])
        bad.xyztUnits = 5
        try bad.write(to: dir.file("bad.nii"))
        #expect { _ = try NIfTIImport.readCT(path: dir.file("bad.nii")) } throws: { "\($0)".contains("spatial unit code 5") }
    }

    @Test func rasStoredImageIsFlippedIntoLPS() throws {
        let dir = try TemporaryDirectory()
        let sform: [[Float]] = [[0.5, 0, 0, -10], [0, 1.25, 0, -20], [0, 0, 2, -30]]
        try Self.image(sform: sform).write(to: dir.file("ras.nii"))
        let ct = try NIfTIImport.readCT(path: dir.file("ras.nii"))
        #expect(ct.grid.spacingMM == SIMD3(0.5, 1.25, 2))
        // Voxel (i, j, k) = (1, 2, 0) sits at RAS (-9.5, -17.5, -30) = LPS (9.5, 17.5, -30); x and y are flipped.
        #expect(ct[3, 1, 0] == Int16(Self.value(1, 2, 0)))
        #expect(ct.grid.position(3, 1, 0) == SIMD3(9.5, 17.5, -30))
        Self.expectPlacement(ct, sform: sform.map { $0.map(Double.init) })
    }

    @Test func permutedAxesAreReordered() throws {
        let dir = try TemporaryDirectory()
        // i runs inferior (−z), j towards the patient's right (−x in LPS = +x in RAS), k anterior (−y in LPS).
        let sform: [[Float]] = [[0, 1.5, 0, 4], [0, 0, 2, 8], [-0.5, 0, 0, 16]]
        try Self.image(sform: sform).write(to: dir.file("perm.nii"))
        let ct = try NIfTIImport.readCT(path: dir.file("perm.nii"))
        #expect(ct.grid.nx == 4 && ct.grid.ny == 3 && ct.grid.nz == 5)
        #expect(ct.grid.spacingMM == SIMD3(1.5, 2, 0.5))
        Self.expectPlacement(ct, sform: sform.map { $0.map(Double.init) })
    }

    @Test func qformIsUsedWhenThereIsNoSform() throws {
        let dir = try TemporaryDirectory()
        var w = Self.image(sform: [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]])
        w.sformCode = 0
        w.qformCode = 1
        w.quaternion = [0, 0, 1]  // 180° about z: RAS x = −i·dx, y = −j·dy, i.e. LPS-aligned
        w.pixdim = [-1, 0.5, 1.25, 2]  // qfac −1: k runs towards −z
        w.qOffset = [10, -20, -30]
        try w.write(to: dir.file("q.nii"))
        let ct = try NIfTIImport.readCT(path: dir.file("q.nii"))
        Self.expectPlacement(ct, sform: [[-0.5, 0, 0, 10], [0, -1.25, 0, -20], [0, 0, -2, -30]])
    }

    @Test func gzipRoundTripEqualsPlainFile() throws {
        let dir = try TemporaryDirectory()
        let image = Self.image(sform: [[0.5, 0, 0, -10], [0, 1.25, 0, -20], [0, 0, 2, -30]])
        try image.write(to: dir.file("a.nii"))
        try image.write(to: dir.file("a.nii.gz"))
        let compressed = try Data(contentsOf: URL(fileURLWithPath: dir.file("a.nii.gz")))
        #expect(compressed.prefix(2) == Data([0x1f, 0x8b]))
        #expect(try NIfTIImport.readCT(path: dir.file("a.nii.gz")) == NIfTIImport.readCT(path: dir.file("a.nii")))
    }

    /// A .nii.gz whose gzip CRC-32 trailer or compressed middle is damaged is refused, not imported with wrong voxels.
    @Test(arguments: ["crc", "middle", "trailer"])
    func damagedGzipIsRefused(damage: String) throws {
        let dir = try TemporaryDirectory()
        var w = NIfTITestWriter(dims: [64, 64, 8])
        var random = SystemRandomNumberGenerator()
        w.setValues((0..<(64 * 64 * 8)).map { _ in Double(Int.random(in: -1000...1000, using: &random)) })
        try w.write(to: dir.file("a.nii.gz"))
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir.file("a.nii.gz"))))
        if damage == "crc" {
            bytes[bytes.count - 8] ^= 0xff  // first byte of the CRC-32: the data still inflates
        } else if damage == "trailer" {
            bytes.removeLast(8)  // CRC-32 and length gone: the stream ends early
        } else {
            for i in (bytes.count / 2)..<(bytes.count / 2 + 50) { bytes[i] = 0 }
        }
        try Data(bytes).write(to: URL(fileURLWithPath: dir.file("bad.nii.gz")))
        let error = #expect(throws: StoreError.self) { _ = try NIfTIImport.readCT(path: dir.file("bad.nii.gz")) }
        #expect(error?.description.contains("bad.nii.gz") == true, "\(String(describing: error))")
    }

    @Test(arguments: [(Int16(4), Int16(16)), (512, 16), (8, 32), (16, 32)])
    func everySupportedDatatypeGivesTheSameHU(datatype: Int16, bitpix: Int16) throws {
        let dir = try TemporaryDirectory()
        var w = NIfTITestWriter(dims: Self.dims)
        w.datatype = datatype
        w.bitpix = bitpix
        w.bigEndian = datatype == 8
        let stored = Self.values.map { $0 + 30 }  // non-negative so that uint16 holds them
        w.setValues(stored)
        w.slope = 1
        w.intercept = -30
        try w.write(to: dir.file("t.nii"))
        let ct = try NIfTIImport.readCT(path: dir.file("t.nii"))
        #expect(ct.voxels == Self.values.map { Int16($0) })
    }

    @Test func scalingAndRounding() throws {
        let dir = try TemporaryDirectory()
        var w = NIfTITestWriter(dims: [4, 1, 1])
        w.datatype = 16
        w.bitpix = 32
        w.setValues([1.25, -1.25, 100, 0])
        w.slope = 2
        w.intercept = -1024
        try w.write(to: dir.file("s.nii"))
        // 1.25·2 − 1024 = −1021.5 → −1022 (halves away from zero); −1026.5 → −1027; 200 − 1024; −1024.
        #expect(try NIfTIImport.readCT(path: dir.file("s.nii")).voxels == [-1022, -1027, -824, -1024])
        w.slope = 0
        w.setValues([2.5, -2.5, 7, 0])
        try w.write(to: dir.file("u.nii"))
        #expect(try NIfTIImport.readCT(path: dir.file("u.nii")).voxels == [3, -3, 7, 0])
    }

    @Test func fourDimensionalWithOneVolumeIsAccepted() throws {
        let dir = try TemporaryDirectory()
        var w = Self.image(sform: [[-1, 0, 0, 0], [0, -1, 0, 0], [0, 0, 1, 0]])
        w.dim4 = 1
        try w.write(to: dir.file("4d.nii"))
        #expect(try NIfTIImport.readCT(path: dir.file("4d.nii")).voxels.count == 60)
    }

    /// Each hostile image must be rejected with a message containing the given words.
    @Test(arguments: [
        ("datatype", ["datatype code 64"]),
        ("magic", ["magic", "n+2"]),
        ("ni1", ["ni1", "not supported"]),
        ("truncated", ["truncated"]),
        ("oblique", ["oblique"]),
        ("range", ["does not fit Int16"]),
        ("nan", ["does not fit Int16"]),
        ("4d", ["4 dimensions"]),
        ("noOrientation", ["no patient orientation"]),
        ("limit", ["more than the limit"]),
        ("shortHeader", ["truncated", "header"]),
        ("headerSize", ["expected 348"]),
    ])
    func hostileImagesAreRejectedClearly(kind: String, words: [String]) throws {
        let dir = try TemporaryDirectory()
        var w = Self.image(sform: [[-1, 0, 0, 0], [0, -1, 0, 0], [0, 0, 1, 0]])
        var truncate: Int?
        var limits = StoreLimits()
        switch kind {
        case "datatype": w.datatype = 64; w.bitpix = 64
        case "magic": w.magic = "n+2"
        case "ni1": w.magic = "ni1"
        case "truncated": truncate = 352 + 100
        case "oblique":
            let (c, s) = (Float(cos(0.1)), Float(sin(0.1)))
            w.sform = [[c, -s, 0, 0], [s, c, 0, 0], [0, 0, 1, 0]]
        case "range": w.datatype = 16; w.bitpix = 32; w.setValues(Self.values.map { $0 * 2000 })
        case "nan": w.datatype = 16; w.bitpix = 32; w.setValues(Self.values.map { $0 == 0 ? .nan : $0 })
        case "4d": w.dim4 = 2
        case "noOrientation": w.sformCode = 0
        case "limit": limits = StoreLimits(maxVoxels: 59)
        case "shortHeader": truncate = 200
        default: w.headerSize = 100
        }
        let path = dir.file("bad.nii")
        try w.write(to: path, truncatedTo: truncate)
        let message = errorText { _ = try NIfTIImport.readCT(path: path, limits: limits) } ?? ""
        #expect(message.contains(path))
        for word in words { #expect(message.contains(word), "\(message)") }
    }

    @Test func headerImagePairsAreRejected() throws {
        let message = errorText { _ = try NIfTIImport.readCT(path: "/tmp/scan.img") }
        #expect(message?.contains(".hdr/.img") == true)
    }
}
