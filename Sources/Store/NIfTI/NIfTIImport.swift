import CZlib
import Core
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Import of CT images from NIfTI-1 single files (`.nii`, or `.nii.gz` compressed as one gzip member, as `gzip` writes
/// it; multi-member files such as bgzip output are refused by the trailer check, see ``NIfTIStream``).
///
/// Supported voxel types: int16 (4), uint16 (512), int32 (8), float32 (16). Values are scaled
/// by `scl_slope`/`scl_inter` (slope 0 = no scaling), rounded to the nearest integer (halves away
/// from zero) and must fit Int16 HU. The image is re-ordered (flipped/permuted, never resampled)
/// so that the result is `[z][y][x]` in LPS with positive spacing and the origin at the centre
/// of voxel [0,0,0]; oblique images are rejected (see ``NIfTIOrientation``).
public enum NIfTIImport {
    /// Reads `path` as a CT volume in Hounsfield units; the voxel count is checked against
    /// `limits` before the voxel data is allocated.
    public static func readCT(path: String, limits: StoreLimits = StoreLimits()) throws -> CTVolume {
        let lower = path.lowercased()
        if lower.hasSuffix(".img") || lower.hasSuffix(".hdr") || lower.hasSuffix(".img.gz") || lower.hasSuffix(".hdr.gz") {
            throw StoreError.nifti(file: path, reason: "separate .hdr/.img pairs are not supported; convert to a single .nii or .nii.gz file")
        }
        guard isRegularFile(path) else { throw StoreError.io(file: path, reason: "no such regular file") }
        let stream = try NIfTIStream(path: path)
        let header = try NIfTIHeader(bytes: try stream.read(count: NIfTIHeader.size, what: "header"), file: path)
        let voxelType = try VoxelType(header: header, file: path)
        let count = header.dims.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }
        guard count <= limits.maxVoxels else {
            throw StoreError.nifti(file: path, reason: "image \(header.dims) has \(count) voxels, more than the limit of \(limits.maxVoxels)")
        }
        let orientation = try NIfTIOrientation(header: header, file: path)
        var skipped = NIfTIHeader.size
        while skipped < header.voxelOffset {
            let step = min(header.voxelOffset - skipped, 1 << 16)
            _ = try stream.read(count: step, what: "header extension (vox_offset \(header.voxelOffset))")
            skipped += step
        }
        let data = try stream.read(count: count * voxelType.bytes, what: "voxel data (\(header.dims) voxels at offset \(header.voxelOffset))")
        try stream.finish()
        let reader = ByteReader(bytes: data, bigEndian: header.isBigEndian)
        let hu = try convert(reader, type: voxelType, header: header, count: count, file: path)
        return try reorder(hu, header: header, orientation: orientation, file: path)
    }

    /// Scaled, rounded, range-checked HU values in file order (i fastest).
    private static func convert(_ reader: ByteReader, type: VoxelType, header: NIfTIHeader, count: Int, file: String) throws -> [Int16] {
        guard header.sclSlope.isFinite, header.sclSlope == 0 || header.sclIntercept.isFinite else {
            throw StoreError.nifti(file: file, reason: "scl_slope \(header.sclSlope) / scl_inter \(header.sclIntercept) are not finite")
        }
        let scaled = header.sclSlope != 0
        var hu = [Int16](repeating: 0, count: count)
        for n in 0..<count {
            var value = type.value(reader, at: n * type.bytes)
            if scaled { value = value * header.sclSlope + header.sclIntercept }
            let rounded = value.rounded()
            guard rounded.isFinite, rounded >= Double(Int16.min), rounded <= Double(Int16.max) else {
                let (ni, nj) = (header.dims[0], header.dims[1])
                throw StoreError.nifti(file: file, reason: "value \(value) at voxel (i, j, k) = (\(n % ni), \(n / ni % nj), \(n / (ni * nj))) does not fit Int16 HU (-32768...32767)")
            }
            hu[n] = Int16(rounded)
        }
        return hu
    }

    /// The voxels re-ordered so that array axes are LPS x, y, z with increasing coordinates.
    private static func reorder(_ hu: [Int16], header: NIfTIHeader, orientation o: NIfTIOrientation, file: String) throws -> CTVolume {
        let n = header.dims
        let stride = [1, n[0], n[0] * n[1]]
        let size = o.sourceAxis.map { n[$0] }
        var base = 0
        var step = [0, 0, 0]
        for w in 0..<3 {
            let a = o.sourceAxis[w]
            step[w] = o.flipped[w] ? -stride[a] : stride[a]
            if o.flipped[w] { base += (n[a] - 1) * stride[a] }
        }
        let grid: Grid
        do {
            grid = try Grid(nx: size[0], ny: size[1], nz: size[2], spacingMM: o.spacingMM, originMM: o.originMM)
        } catch {
            throw StoreError.nifti(file: file, reason: "\(error)")
        }
        var out = [Int16](repeating: 0, count: hu.count)
        var index = 0
        for z in 0..<size[2] {
            for y in 0..<size[1] {
                var source = base + z * step[2] + y * step[1]
                for _ in 0..<size[0] {
                    out[index] = hu[source]
                    index += 1
                    source += step[0]
                }
            }
        }
        return try CTVolume(grid: grid, voxels: out)
    }
}

/// The supported NIfTI voxel types.
private enum VoxelType {
    case int16, uint16, int32, float32

    init(header: NIfTIHeader, file: String) throws {
        switch header.datatype {
        case 4: self = .int16
        case 512: self = .uint16
        case 8: self = .int32
        case 16: self = .float32
        default:
            throw StoreError.nifti(file: file, reason: "datatype code \(header.datatype) is not supported (supported: 4 int16, 512 uint16, 8 int32, 16 float32)")
        }
        guard header.bitsPerVoxel == bytes * 8 else {
            throw StoreError.nifti(file: file, reason: "bitpix \(header.bitsPerVoxel) does not match datatype code \(header.datatype) (\(bytes * 8) bits)")
        }
    }

    var bytes: Int {
        switch self {
        case .int16, .uint16: return 2
        case .int32, .float32: return 4
        }
    }

    func value(_ reader: ByteReader, at offset: Int) -> Double {
        switch self {
        case .int16: return Double(reader.int16(offset))
        case .uint16: return Double(UInt16(truncatingIfNeeded: reader.uint(offset, 2)))
        case .int32: return Double(reader.int32(offset))
        case .float32: return Double(reader.float32(offset))
        }
    }
}

/// A NIfTI file read through zlib (plain or gzip), with the gzip trailer verified: zlib checks a member's CRC-32 only
/// when it reads the trailer, and a stream cut before its trailer ends without an error, so the reader keeps its own
/// CRC-32 and length of everything it decompressed and compares them with the file's last 8 bytes.
final class NIfTIStream {
    private let stream: gzFile
    private let path: String
    private var crc = crc32(0, nil, 0)
    private var length: UInt64 = 0

    init(path: String) throws {
        guard let stream = gzopen(path, "rbe") else { throw StoreError.io(file: path, reason: "cannot open: \(errnoText())") }
        self.stream = stream
        self.path = path
    }

    deinit { gzclose(stream) }

    /// Reads exactly `count` bytes, or throws naming what was truncated. At most 4 MiB are reserved up front and the
    /// buffer grows with the data actually read, so a header that claims more than the file holds costs no large
    /// allocation.
    func read(count: Int, what: String) throws -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(count, 1 << 22))
        var chunk = [UInt8](repeating: 0, count: min(count, 1 << 22))
        while bytes.count < count {
            let n = try next(into: &chunk, count: min(count - bytes.count, chunk.count), what: what)
            if n == 0 {
                throw StoreError.nifti(file: path, reason: "file is truncated: \(what) needs \(count) bytes, only \(bytes.count) present")
            }
            bytes.append(contentsOf: chunk[..<n])
        }
        return bytes
    }

    /// Reads the rest (at most 16 MiB after the voxel data) and, for a compressed file, checks the gzip trailer.
    func finish() throws {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var extra = 0
        while case let n = try next(into: &chunk, count: chunk.count, what: "the end of the file"), n > 0 {
            extra += n
            guard extra <= 1 << 24 else { throw StoreError.nifti(file: path, reason: "more than 16 MiB of data follow the voxel data") }
        }
        guard gzdirect(stream) == 0 else { return }
        guard let file = fopen(path, "rbe") else { throw StoreError.io(file: path, reason: "cannot reopen: \(errnoText())") }
        defer { fclose(file) }
        var trailer = [UInt8](repeating: 0, count: 8)
        guard fseek(file, -8, SEEK_END) == 0, fread(&trailer, 1, 8, file) == 8 else {
            throw StoreError.nifti(file: path, reason: "the gzip trailer cannot be read")
        }
        let storedCRC = trailer[0..<4].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let storedLength = trailer[4..<8].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard storedCRC == UInt32(truncatingIfNeeded: crc), storedLength == UInt32(truncatingIfNeeded: length) else {
            throw StoreError.nifti(file: path, reason: "the gzip CRC-32 or length does not match the data: the file is damaged or "
                + "truncated (or holds several gzip members; recompress it as one)")
        }
    }

    /// One `gzread` of up to `count` bytes into `buffer`, added to the CRC and length; 0 at the end of the data.
    private func next(into buffer: inout [UInt8], count: Int, what: String) throws -> Int {
        let n = buffer.withUnsafeMutableBytes { gzread(stream, $0.baseAddress!, UInt32(count)) }
        if n < 0 {
            var code: Int32 = 0
            let message = gzerror(stream, &code).map { String(cString: $0) } ?? "unknown error"
            throw StoreError.nifti(file: path, reason: "cannot read \(what): \(message) (corrupt or damaged compressed data)")
        }
        buffer.withUnsafeBytes { crc = crc32(crc, $0.baseAddress!.assumingMemoryBound(to: Bytef.self), uInt(n)) }
        length += UInt64(n)
        return Int(n)
    }
}
