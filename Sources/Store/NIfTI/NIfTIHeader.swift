/// The fields of a NIfTI-1 header (348 bytes) that an import needs, decoded in the file's byte order.
struct NIfTIHeader: Sendable, Equatable {
    /// Header size in bytes of NIfTI-1.
    static let size = 348

    /// Dimensions i, j, k (dim[1...3]).
    let dims: [Int]
    /// NIfTI datatype code (4 int16, 512 uint16, 8 int32, 16 float32...).
    let datatype: Int
    /// Bits per voxel.
    let bitsPerVoxel: Int
    /// pixdim[0...3]: qfac and voxel sizes.
    let pixdim: [Double]
    /// Byte offset of the voxel data.
    let voxelOffset: Int
    /// Scaling value = stored · slope + intercept (slope 0 = no scaling).
    let sclSlope: Double, sclIntercept: Double
    /// Transform codes (0 = absent).
    let qformCode: Int, sformCode: Int
    /// Quaternion b, c, d and offsets x, y, z (RAS mm).
    let quaternion: [Double], qOffset: [Double]
    /// Rows of the sform affine (RAS mm).
    let sform: [[Double]]
    /// Byte order of the header and the voxel data.
    let isBigEndian: Bool
    /// Millimetres per unit of pixdim and the affines (xyzt_units: metre 1000, mm 1, micron 0.001; unknown taken as mm,
    /// as other readers do).
    let millimetresPerUnit: Double

    /// Decodes and checks a header: size field 348 (either byte order), magic "n+1" (a
    /// "ni1" header/image pair is rejected as unsupported), 3-D or 4-D with one volume.
    init(bytes: [UInt8], file: String) throws {
        guard bytes.count >= NIfTIHeader.size else {
            throw StoreError.nifti(file: file, reason: "file is shorter (\(bytes.count) bytes) than a NIfTI-1 header (348 bytes)")
        }
        let reader: ByteReader
        if ByteReader(bytes: bytes, bigEndian: false).int32(0) == 348 {
            reader = ByteReader(bytes: bytes, bigEndian: false)
        } else if ByteReader(bytes: bytes, bigEndian: true).int32(0) == 348 {
            reader = ByteReader(bytes: bytes, bigEndian: true)
        } else {
            let size = ByteReader(bytes: bytes, bigEndian: false).int32(0)
            throw StoreError.nifti(file: file, reason: size == 540 ? "NIfTI-2 files are not supported (header size 540)"
                                   : "header size field is \(size), expected 348: not a NIfTI-1 file")
        }
        let magic = Array(bytes[344..<348])
        if magic == Array("ni1\0".utf8) {
            throw StoreError.nifti(file: file, reason: "magic \"ni1\" marks a separate .hdr/.img pair, which is not supported; convert it to a single .nii file")
        }
        guard magic == Array("n+1\0".utf8) else {
            let text = magic.map { (0x20..<0x7f).contains($0) ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16) }.joined()
            throw StoreError.nifti(file: file, reason: "magic is \"\(text)\", expected \"n+1\": not a NIfTI-1 file")
        }
        let dim = (0..<8).map { Int(reader.int16(40 + 2 * $0)) }
        guard dim[0] == 3 || (dim[0] == 4 && dim[4] == 1) else {
            throw StoreError.nifti(file: file, reason: "image has \(dim[0]) dimensions (dim = \(Array(dim[1...max(1, min(dim[0], 7))]))); only 3-D images (or 4-D with one volume) are supported")
        }
        guard dim[1...3].allSatisfy({ $0 > 0 }) else {
            throw StoreError.nifti(file: file, reason: "dimensions \(Array(dim[1...3])) must be positive")
        }
        dims = Array(dim[1...3])
        isBigEndian = reader.bigEndian
        datatype = Int(reader.int16(70))
        bitsPerVoxel = Int(reader.int16(72))
        pixdim = (0..<4).map { Double(reader.float32(76 + 4 * $0)) }
        let offset = Double(reader.float32(108))
        guard offset.isFinite, offset >= 348, offset == offset.rounded(), offset < 1e9 else {
            throw StoreError.nifti(file: file, reason: "vox_offset \(offset) is not a byte offset ≥ 348")
        }
        voxelOffset = Int(offset)
        sclSlope = Double(reader.float32(112))
        sclIntercept = Double(reader.float32(116))
        qformCode = Int(reader.int16(252))
        sformCode = Int(reader.int16(254))
        quaternion = (0..<3).map { Double(reader.float32(256 + 4 * $0)) }
        qOffset = (0..<3).map { Double(reader.float32(268 + 4 * $0)) }
        sform = (0..<3).map { row in (0..<4).map { Double(reader.float32(280 + 16 * row + 4 * $0)) } }
        switch bytes[123] & 0x07 {
        case 0, 2: millimetresPerUnit = 1
        case 1: millimetresPerUnit = 1000
        case 3: millimetresPerUnit = 0.001
        case let code:
            throw StoreError.nifti(file: file, reason: "xyzt_units gives the spatial unit code \(code); known: 1 metre, 2 millimetre, 3 micron (0 unknown, read as millimetre)")
        }
    }
}

/// Reads little- or big-endian numbers from a byte array.
struct ByteReader {
    let bytes: [UInt8]
    let bigEndian: Bool

    func uint(_ offset: Int, _ count: Int) -> UInt64 {
        var value: UInt64 = 0
        for k in 0..<count {
            let byte = UInt64(bytes[offset + (bigEndian ? k : count - 1 - k)])
            value = value << 8 | byte
        }
        return value
    }

    func int16(_ offset: Int) -> Int16 { Int16(truncatingIfNeeded: uint(offset, 2)) }
    func int32(_ offset: Int) -> Int32 { Int32(truncatingIfNeeded: uint(offset, 4)) }
    func float32(_ offset: Int) -> Float { Float(bitPattern: UInt32(truncatingIfNeeded: uint(offset, 4))) }
}
