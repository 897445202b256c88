import CZlib

/// Encodes data sets and Part 10 files (little endian only).
///
/// Files are written with a 128-byte zero preamble, "DICM" and a file meta group in explicit VR
/// little endian whose group length is computed. Sequences and items get defined lengths unless
/// `undefinedLengths` is set (then they end with delimitation items).
public struct DICOMEncoder: Sendable {
    /// The implementation class UID written in the file meta group (a fixed UUID-derived UID).
    public static let implementationClassUID = "2.25.187180178463365014517337327735594049329"
    /// The implementation version name written in the file meta group.
    public static let implementationVersionName = "RTCLUSTER_1"

    /// The transfer syntax of the data set.
    public var transferSyntax: DICOMTransferSyntax
    /// Encode sequences and items with undefined length (delimiters) instead of byte counts.
    public var undefinedLengths: Bool

    /// An encoder for `transferSyntax` (implicit, explicit or deflated explicit VR little endian).
    public init(transferSyntax: DICOMTransferSyntax = .explicitVRLittleEndian, undefinedLengths: Bool = false) {
        self.transferSyntax = transferSyntax
        self.undefinedLengths = undefinedLengths
    }

    /// The bytes of a Part 10 file holding `dataSet`, whose SOP Class and Instance UIDs are
    /// copied into the file meta group. Pixel data must already be encoded for the syntax.
    public func fileBytes(_ dataSet: DICOMDataSet) throws -> [UInt8] {
        guard let sopClass = dataSet.string(DICOMTags.sopClassUID), let sopInstance = dataSet.string(DICOMTags.sopInstanceUID) else {
            throw DICOMError(file: dataSet.file, tag: DICOMTags.sopInstanceUID, "SOP Class and SOP Instance UIDs are required to write a file")
        }
        var meta = DICOMDataSet(file: dataSet.file)
        meta.set(DICOMTags.fileMetaInformationVersion, "OB", bytes: [0, 1])
        meta.set(DICOMTags.mediaStorageSOPClassUID, "UI", sopClass)
        meta.set(DICOMTags.mediaStorageSOPInstanceUID, "UI", sopInstance)
        meta.set(DICOMTags.transferSyntaxUID, "UI", transferSyntax.rawValue)
        meta.set(DICOMTags.implementationClassUID, "UI", DICOMEncoder.implementationClassUID)
        meta.set(DICOMTags.implementationVersionName, "SH", DICOMEncoder.implementationVersionName)
        let metaEncoder = DICOMEncoder(transferSyntax: .explicitVRLittleEndian)
        let metaBody = try metaEncoder.encode(meta)
        var group = DICOMDataSet(file: dataSet.file)
        group.set(DICOMTags.fileMetaInformationGroupLength, uint32: UInt32(metaBody.count))
        var out = [UInt8](repeating: 0, count: 128) + Array("DICM".utf8)
        out += try metaEncoder.encode(group) + metaBody
        var body = try encode(dataSet)
        if transferSyntax == .deflatedExplicitVRLittleEndian { body = try DICOMEncoder.deflateRaw(body, file: dataSet.file) }
        return out + body
    }

    /// The encoded elements of `dataSet` in ascending tag order.
    public func encode(_ dataSet: DICOMDataSet) throws -> [UInt8] {
        var out: [UInt8] = []
        for tag in dataSet.sortedTags {
            try append(dataSet[tag]!, to: &out, file: dataSet.file)
        }
        return out
    }

    private var explicitVR: Bool { transferSyntax.isExplicitVR }

    private func append(_ element: DICOMElement, to out: inout [UInt8], file: String) throws {
        switch element.value {
        case .bytes(let value):
            if explicitVR, !DICOMParser.longVRs.contains(element.vr), value.count > 0xFFFF {
                throw DICOMError(file: file, tag: element.tag, "value of \(value.count) bytes does not fit the 16-bit length of VR \(element.vr)")
            }
            header(element.tag, vr: element.vr, length: UInt32(value.count), to: &out)
            out += value
        case .sequence(let items):
            var body: [UInt8] = []
            for item in items {
                let itemBody = try encode(item)
                tagBytes(DICOMParser.item, to: &body)
                body += DICOMDataSet.littleEndian(undefinedLengths ? DICOMParser.undefinedLength : UInt32(itemBody.count))
                body += itemBody
                if undefinedLengths { delimiter(DICOMParser.itemDelimitation, to: &body) }
            }
            header(element.tag, vr: "SQ", length: undefinedLengths ? DICOMParser.undefinedLength : UInt32(body.count), to: &out)
            out += body
            if undefinedLengths { delimiter(DICOMParser.sequenceDelimitation, to: &out) }
        case .encapsulated(let table, let fragments):
            header(element.tag, vr: "OB", length: DICOMParser.undefinedLength, to: &out)
            for fragment in [table] + fragments {
                tagBytes(DICOMParser.item, to: &out)
                var padded = fragment
                if padded.count % 2 == 1 { padded.append(0) }
                out += DICOMDataSet.littleEndian(UInt32(padded.count)) + padded
            }
            delimiter(DICOMParser.sequenceDelimitation, to: &out)
        }
    }

    private func header(_ tag: DICOMTag, vr: String, length: UInt32, to out: inout [UInt8]) {
        tagBytes(tag, to: &out)
        if explicitVR {
            out += Array(vr.utf8)
            if DICOMParser.longVRs.contains(vr) {
                out += [0, 0] + DICOMDataSet.littleEndian(length)
            } else {
                out += [UInt8(length & 0xFF), UInt8(length >> 8 & 0xFF)]
            }
        } else {
            out += DICOMDataSet.littleEndian(length)
        }
    }

    private func tagBytes(_ tag: DICOMTag, to out: inout [UInt8]) {
        out += [UInt8(tag.group & 0xFF), UInt8(tag.group >> 8), UInt8(tag.element & 0xFF), UInt8(tag.element >> 8)]
    }

    private func delimiter(_ tag: DICOMTag, to out: inout [UInt8]) {
        tagBytes(tag, to: &out)
        out += [0, 0, 0, 0]
    }

    /// `input` compressed as a raw deflate stream (no zlib header), level 6.
    static func deflateRaw(_ input: [UInt8], file: String) throws -> [UInt8] {
        var stream = z_stream()
        guard deflateInit2_(&stream, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DICOMError(file: file, "cannot initialise zlib deflate")
        }
        defer { deflateEnd(&stream) }
        var input = input
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(input.count))) + 64)
        let status = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer -> Int32 in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = UInt32(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = UInt32(outBuffer.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw DICOMError(file: file, "deflate failed (zlib error \(status))") }
        return Array(output[0..<Int(stream.total_out)])
    }
}
