import CZlib
import Foundation

/// A minimal NIfTI-1 writer for building test images (header fields set explicitly).
struct NIfTITestWriter {
    var dims: [Int]
    var dim4: Int? = nil
    var datatype: Int16 = 4
    var bitpix: Int16 = 16
    var pixdim: [Float] = [1, 1, 1, 1]
    var sformCode: Int16 = 1
    var sform: [[Float]] = [[-1, 0, 0, 0], [0, -1, 0, 0], [0, 0, 1, 0]]
    var qformCode: Int16 = 0
    var quaternion: [Float] = [0, 0, 0]
    var qOffset: [Float] = [0, 0, 0]
    var slope: Float = 0
    var intercept: Float = 0
    var magic = "n+1"
    var headerSize: Int32 = 348
    var bigEndian = false
    /// xyzt_units (byte 123): spatial unit code in the low 3 bits (0 unknown, 1 m, 2 mm, 3 µm).
    var xyztUnits: UInt8 = 0
    /// Voxel bytes in file order (i fastest), already encoded.
    var data: [UInt8] = []

    /// Encodes `values` as int16/uint16/int32/float32 according to `datatype`.
    mutating func setValues(_ values: [Double]) {
        data = []
        for v in values {
            switch datatype {
            case 4: append(UInt64(UInt16(bitPattern: Int16(v))), 2)
            case 512: append(UInt64(UInt16(v)), 2)
            case 8: append(UInt64(UInt32(bitPattern: Int32(v))), 4)
            case 16: append(UInt64(Float(v).bitPattern), 4)
            default: append(UInt64(UInt16(bitPattern: Int16(v))), 2)
            }
        }
    }

    private mutating func append(_ value: UInt64, _ count: Int) {
        data += encode(value, count)
    }

    private func encode(_ value: UInt64, _ count: Int) -> [UInt8] {
        let little = (0..<count).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
        return bigEndian ? little.reversed() : little
    }

    /// Header (348 bytes), 4 bytes of empty extension flag, then the data.
    func bytes() -> [UInt8] {
        var h = [UInt8](repeating: 0, count: 352)
        func put(_ offset: Int, _ bytes: [UInt8]) { h.replaceSubrange(offset..<(offset + bytes.count), with: bytes) }
        func i16(_ o: Int, _ v: Int16) { put(o, encode(UInt64(UInt16(bitPattern: v)), 2)) }
        func i32(_ o: Int, _ v: Int32) { put(o, encode(UInt64(UInt32(bitPattern: v)), 4)) }
        func f32(_ o: Int, _ v: Float) { put(o, encode(UInt64(v.bitPattern), 4)) }
        i32(0, headerSize)
        let rank = dim4 == nil ? 3 : 4
        let dim = [rank] + dims + [dim4 ?? 1, 1, 1, 1]
        for k in 0..<8 { i16(40 + 2 * k, Int16(dim[k])) }
        i16(70, datatype)
        i16(72, bitpix)
        for k in 0..<4 { f32(76 + 4 * k, pixdim[k]) }
        f32(108, 352)
        f32(112, slope)
        f32(116, intercept)
        i16(252, qformCode)
        i16(254, sformCode)
        for k in 0..<3 { f32(256 + 4 * k, quaternion[k]); f32(268 + 4 * k, qOffset[k]) }
        for r in 0..<3 { for c in 0..<4 { f32(280 + 16 * r + 4 * c, sform[r][c]) } }
        put(123, [xyztUnits])
        put(344, Array(magic.utf8) + [0])
        return h + data
    }

    /// Writes the file, gzip-compressed when `path` ends in ".gz"; `truncatedTo` cuts the bytes.
    func write(to path: String, truncatedTo length: Int? = nil) throws {
        var all = bytes()
        if let length { all = Array(all.prefix(length)) }
        if path.hasSuffix(".gz") {
            guard let gz = gzopen(path, "wb") else { throw CocoaError(.fileWriteUnknown) }
            defer { gzclose(gz) }
            _ = all.withUnsafeBytes { gzwrite(gz, $0.baseAddress, UInt32($0.count)) }
        } else {
            try Data(all).write(to: URL(fileURLWithPath: path))
        }
    }
}
