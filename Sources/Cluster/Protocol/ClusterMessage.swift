/// A message between the coordinator (rank 0) and a worker, with its explicit versioned binary encoding.
///
/// Layout (all integers little-endian): magic `RTCM` (4 bytes), protocol version UInt16, message type UInt8,
/// then the type's fields; see Sources/Cluster/Protocol.md. `decode` rejects anything else with a `WireError`
/// and never traps, whatever the bytes.
public enum ClusterMessage: Sendable, Equatable {
    /// Coordinator → worker: run task `address` of job kind `kind` on `input`.
    case task(address: TaskAddress, kind: String, input: TaskPayload)
    /// Worker → coordinator: task `address` produced `output` in `seconds` of compute.
    case result(address: TaskAddress, seconds: Double, output: TaskPayload)
    /// Worker → coordinator: task `address` threw; `message` names the cause.
    case failure(address: TaskAddress, message: String)
    /// Coordinator → worker: leave the worker loop (no more tasks).
    case shutdown
    /// Worker → coordinator: task `address` referenced shared fields by the content `keys` this worker does not
    /// hold (cache miss); the coordinator sends the task again with their data.
    case miss(address: TaskAddress, keys: [String])

    /// The four magic bytes "RTCM".
    public static let magic: [UInt8] = Array("RTCM".utf8)
    /// The protocol version written; only this version is read.
    public static let protocolVersion: UInt16 = 2

    /// The type code written after the version.
    var typeCode: UInt8 {
        switch self {
        case .task: return 1
        case .result: return 2
        case .failure: return 3
        case .shutdown: return 4
        case .miss: return 5
        }
    }

    /// The MPI tag this message travels with.
    public var tag: MessageTag {
        switch self {
        case .task: return .task
        case .result: return .result
        case .failure: return .failure
        case .shutdown: return .shutdown
        case .miss: return .miss
        }
    }

    /// The encoded bytes; the shared fields of a task payload named in `referencing` go by content key alone.
    public func encoded(referencing: Set<String> = []) -> [UInt8] {
        var writer = ByteWriter(capacity: 64)
        for byte in Self.magic { writer.write(byte) }
        writer.write(Self.protocolVersion)
        writer.write(typeCode)
        switch self {
        case .task(let address, let kind, let input):
            address.encode(into: &writer)
            writer.write(kind)
            input.encode(into: &writer, referencing: referencing)
        case .result(let address, let seconds, let output):
            address.encode(into: &writer)
            writer.write(seconds)
            output.encode(into: &writer)
        case .failure(let address, let message):
            address.encode(into: &writer)
            writer.write(message)
        case .shutdown:
            break
        case .miss(let address, let keys):
            address.encode(into: &writer)
            writer.write(UInt32(keys.count))
            for key in keys { writer.write(key) }
        }
        return writer.bytes
    }

    /// Decodes a whole message; throws `WireError` on wrong magic, version, type, truncation or trailing bytes.
    public static func decode(_ bytes: [UInt8]) throws -> ClusterMessage {
        var reader = ByteReader(bytes)
        guard try reader.readBytes(4, "magic") == magic else { throw WireError.badMagic }
        let version = try reader.read(UInt16.self, "protocol version")
        guard version == protocolVersion else { throw WireError.unsupportedVersion(version) }
        let type = try reader.read(UInt8.self, "message type")
        let message: ClusterMessage
        switch type {
        case 1:
            let address = try TaskAddress.decode(from: &reader)
            let kind = try reader.readString("job kind")
            message = .task(address: address, kind: kind, input: try TaskPayload.decode(from: &reader))
        case 2:
            let address = try TaskAddress.decode(from: &reader)
            let seconds = try reader.readDouble("task seconds")
            message = .result(address: address, seconds: seconds, output: try TaskPayload.decode(from: &reader))
        case 3:
            let address = try TaskAddress.decode(from: &reader)
            message = .failure(address: address, message: try reader.readString("error message"))
        case 4:
            message = .shutdown
        case 5:
            let address = try TaskAddress.decode(from: &reader)
            let count = try reader.read(UInt32.self, "missing key count")
            guard Int(count) <= reader.remaining / 4 else { throw WireError.truncated(what: "missing keys") }
            message = .miss(address: address, keys: try (0..<count).map { try reader.readString("missing key \($0)") })
        default:
            throw WireError.unknownMessageType(type)
        }
        try reader.requireEnd("message type \(type)")
        return message
    }
}
