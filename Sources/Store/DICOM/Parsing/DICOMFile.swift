#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A DICOM Part 10 file: 128-byte preamble, "DICM", the file meta group (explicit VR little
/// endian) and the data set in the transfer syntax the meta group names.
public struct DICOMFile: Sendable {
    /// Largest file accepted (bytes), checked before reading.
    public static let maxFileBytes = 1 << 31

    /// The path the file was read from.
    public let path: String
    /// The file meta information (group 0002).
    public let meta: DICOMDataSet
    /// The transfer syntax of ``dataSet``.
    public let transferSyntax: DICOMTransferSyntax
    /// The data set (inflated when the syntax is deflated).
    public let dataSet: DICOMDataSet

    /// Reads and parses `path`. With `stopBeforePixelData`, parsing ends before (7FE0,0010)
    /// so that a series can be sorted and checked before any pixel data is kept in memory.
    public static func read(path: String, stopBeforePixelData: Bool = false) throws -> DICOMFile {
        try parse(bytes: try readBytes(path), path: path, stopBeforePixelData: stopBeforePixelData)
    }

    /// Parses a Part 10 file held in memory; `path` names it in errors.
    public static func parse(bytes: [UInt8], path: String, stopBeforePixelData: Bool = false) throws -> DICOMFile {
        guard bytes.count >= 132, bytes[128] == 0x44, bytes[129] == 0x49, bytes[130] == 0x43, bytes[131] == 0x4D else {
            throw DICOMError(file: path, "not a DICOM Part 10 file (no \"DICM\" after the 128-byte preamble)")
        }
        var parser = DICOMParser(bytes: bytes, file: path, position: 132)
        let meta = try parser.parseDataSet(end: bytes.count, explicitVR: true, depth: 0) { $0.group != 0x0002 }
        guard let uid = meta.string(DICOMTags.transferSyntaxUID), !uid.isEmpty else {
            throw DICOMError(file: path, tag: DICOMTags.transferSyntaxUID, "file meta information has no transfer syntax")
        }
        let syntax = try DICOMTransferSyntax(uid: uid, file: path)
        var body = parser
        if syntax == .deflatedExplicitVRLittleEndian {
            let inflated = try Inflate.raw(Array(bytes[parser.position...]), file: path)
            body = DICOMParser(bytes: inflated, file: path)
        }
        let dataSet = try body.parseDataSet(end: body.bytes.count, explicitVR: syntax.isExplicitVR, depth: 0) {
            stopBeforePixelData && $0 >= DICOMTags.pixelData
        }
        return DICOMFile(path: path, meta: meta, transferSyntax: syntax, dataSet: dataSet)
    }

    /// Whether `path` starts as a Part 10 file does: a 128-byte preamble, then "DICM". Reads 132 bytes at most;
    /// a file that cannot be opened is an error naming it.
    public static func hasPart10Signature(path: String) throws -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw DICOMError(file: path, "cannot open: \(errnoText())") }
        defer { close(fd) }
        var head = [UInt8](repeating: 0, count: 132)
        var done = 0
        while done < head.count {
            let n = head.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw DICOMError(file: path, "cannot read: \(errnoText())") }
            if n == 0 { return false }
            done += n
        }
        return head[128...] == [0x44, 0x49, 0x43, 0x4D]
    }

    /// The whole content of `path`.
    static func readBytes(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw DICOMError(file: path, "cannot open: \(errnoText())") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw DICOMError(file: path, "cannot stat: \(errnoText())") }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw DICOMError(file: path, "not a regular file") }
        let size = Int(info.st_size)
        guard size <= maxFileBytes else { throw DICOMError(file: path, "file has \(size) bytes, more than the limit of \(maxFileBytes)") }
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + done, size - done) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { throw DICOMError(file: path, "read failed after \(done) of \(size) bytes: \(n < 0 ? errnoText() : "unexpected end of file")") }
            done += n
        }
        return bytes
    }
}
