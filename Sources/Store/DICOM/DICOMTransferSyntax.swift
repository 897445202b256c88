/// The transfer syntaxes this reader decodes (all little endian).
///
/// Any other syntax (big endian, JPEG baseline/lossless, JPEG-LS, HTJ2K, MPEG...) is rejected
/// with an error naming it.
public enum DICOMTransferSyntax: String, Sendable, CaseIterable {
    /// Implicit VR Little Endian, the DICOM default.
    case implicitVRLittleEndian = "1.2.840.10008.1.2"
    /// Explicit VR Little Endian.
    case explicitVRLittleEndian = "1.2.840.10008.1.2.1"
    /// Deflated Explicit VR Little Endian: the data set after the file meta group is a raw deflate stream.
    case deflatedExplicitVRLittleEndian = "1.2.840.10008.1.2.1.99"
    /// RLE Lossless (encapsulated PackBits byte segments).
    case rleLossless = "1.2.840.10008.1.2.5"
    /// JPEG 2000 Image Compression (Lossless Only).
    case jpeg2000Lossless = "1.2.840.10008.1.2.4.90"
    /// JPEG 2000 Image Compression (lossless or lossy; decoded the same way).
    case jpeg2000 = "1.2.840.10008.1.2.4.91"

    /// The syntax named by `uid`, or an error naming the unsupported syntax.
    init(uid: String, file: String) throws {
        guard let syntax = DICOMTransferSyntax(rawValue: uid) else {
            let name = DICOMTransferSyntax.knownUnsupported[uid].map { " (\($0))" } ?? ""
            let supported = DICOMTransferSyntax.allCases.map(\.name).joined(separator: ", ")
            throw DICOMError(file: file, tag: DICOMTags.transferSyntaxUID,
                             "transfer syntax \(uid)\(name) is not supported (supported: \(supported))")
        }
        self = syntax
    }

    /// Human-readable name.
    public var name: String {
        switch self {
        case .implicitVRLittleEndian: return "Implicit VR Little Endian"
        case .explicitVRLittleEndian: return "Explicit VR Little Endian"
        case .deflatedExplicitVRLittleEndian: return "Deflated Explicit VR Little Endian"
        case .rleLossless: return "RLE Lossless"
        case .jpeg2000Lossless: return "JPEG 2000 Lossless Only"
        case .jpeg2000: return "JPEG 2000"
        }
    }

    /// True when the data set uses explicit VRs.
    var isExplicitVR: Bool { self != .implicitVRLittleEndian }

    /// True when the pixel data is encapsulated (fragments in items).
    var isEncapsulated: Bool { self == .rleLossless || self == .jpeg2000Lossless || self == .jpeg2000 }

    private static let knownUnsupported: [String: String] = [
        "1.2.840.10008.1.2.2": "Explicit VR Big Endian",
        "1.2.840.10008.1.2.4.50": "JPEG Baseline",
        "1.2.840.10008.1.2.4.51": "JPEG Extended",
        "1.2.840.10008.1.2.4.57": "JPEG Lossless",
        "1.2.840.10008.1.2.4.70": "JPEG Lossless SV1",
        "1.2.840.10008.1.2.4.80": "JPEG-LS Lossless",
        "1.2.840.10008.1.2.4.81": "JPEG-LS Near-Lossless",
        "1.2.840.10008.1.2.4.201": "HTJ2K Lossless",
        "1.2.840.10008.1.2.4.202": "HTJ2K Lossless RPCL",
        "1.2.840.10008.1.2.4.203": "HTJ2K",
        "1.2.840.10008.1.2.4.100": "MPEG2",
        "1.2.840.10008.1.2.4.102": "MPEG-4",
    ]
}
