/// Why a cluster message could not be decoded (or a payload field could not be read).
///
/// Decoding never traps on hostile bytes: every length is checked against what remains before anything is
/// allocated, and every problem surfaces as one of these cases.
public enum WireError: Error, Equatable, CustomStringConvertible {
    /// The message ended before a field of `what` was complete.
    case truncated(what: String)
    /// The first four bytes are not the protocol's magic.
    case badMagic
    /// A protocol version this build does not speak.
    case unsupportedVersion(UInt16)
    /// A message type code this build does not know.
    case unknownMessageType(UInt8)
    /// A payload element type code this build does not know.
    case unknownElementType(UInt8)
    /// Bytes that do not form a valid value (bad UTF-8, duplicate field, trailing bytes...).
    case malformed(String)
    /// A payload field the reader needs is absent.
    case missingField(String)
    /// A payload field holds another element type than the reader expects.
    case typeMismatch(field: String, expected: String, found: String)

    public var description: String {
        switch self {
        case .truncated(let what): return "cluster message truncated while reading \(what)"
        case .badMagic: return "not a cluster message (bad magic)"
        case .unsupportedVersion(let v): return "cluster message version \(v) is not supported (this build speaks \(ClusterMessage.protocolVersion))"
        case .unknownMessageType(let t): return "unknown cluster message type \(t)"
        case .unknownElementType(let t): return "unknown payload element type \(t)"
        case .malformed(let reason): return "malformed cluster message: \(reason)"
        case .missingField(let name): return "task payload has no field \"\(name)\""
        case .typeMismatch(let field, let expected, let found): return "task payload field \"\(field)\" holds \(found), expected \(expected)"
        }
    }
}
