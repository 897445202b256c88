import Store

/// One typed field of a task payload: a numeric array or a text value, as it travels in a message.
public enum WireArray: Sendable, Equatable {
    case uint8([UInt8])
    case int16([Int16])
    case int32([Int32])
    case int64([Int64])
    case float32([Float])
    case float64([Double])
    case text(String)

    /// The element type code written on the wire.
    var typeCode: UInt8 {
        switch self {
        case .uint8: return 1
        case .int16: return 2
        case .int32: return 3
        case .int64: return 4
        case .float32: return 5
        case .float64: return 6
        case .text: return 7
        }
    }

    /// Name of the element type, for error messages.
    var typeName: String {
        switch self {
        case .uint8: return "uint8"
        case .int16: return "int16"
        case .int32: return "int32"
        case .int64: return "int64"
        case .float32: return "float32"
        case .float64: return "float64"
        case .text: return "text"
        }
    }

    /// Size of the encoded data in bytes (without the field header).
    var byteCount: Int {
        switch self {
        case .uint8(let v): return v.count
        case .int16(let v): return 2 * v.count
        case .int32(let v): return 4 * v.count
        case .int64(let v): return 8 * v.count
        case .float32(let v): return 4 * v.count
        case .float64(let v): return 8 * v.count
        case .text(let s): return s.utf8.count
        }
    }

    /// The content key of the array: SHA-256 (hex) of its element type code and encoded elements. Two arrays
    /// with the same key hold the same values (up to a SHA-256 collision), whatever produced them.
    var contentKey: String {
        var writer = ByteWriter(capacity: byteCount + 9)
        encode(into: &writer)
        return SHA256.hex(of: writer.bytes)
    }

    /// Writes the type code, the element count (UInt64) and the little-endian elements.
    func encode(into writer: inout ByteWriter) {
        writer.write(typeCode)
        switch self {
        case .uint8(let v): writer.write(UInt64(v.count)); writer.writeElements(v)
        case .int16(let v): writer.write(UInt64(v.count)); writer.writeElements(v)
        case .int32(let v): writer.write(UInt64(v.count)); writer.writeElements(v)
        case .int64(let v): writer.write(UInt64(v.count)); writer.writeElements(v)
        case .float32(let v): writer.write(UInt64(v.count)); writer.writeElements(v)
        case .float64(let v): writer.write(UInt64(v.count)); writer.writeElements(v)
        case .text(let s):
            let utf8 = Array(s.utf8)
            writer.write(UInt64(utf8.count))
            writer.writeElements(utf8)
        }
    }

    /// Reads what `encode(into:)` wrote; `field` names the field in errors.
    static func decode(from reader: inout ByteReader, field: String) throws -> WireArray {
        try decode(code: try reader.read(UInt8.self, "element type of \(field)"), from: &reader, field: field)
    }

    /// Reads the count and elements of an array whose element type `code` was already read.
    static func decode(code: UInt8, from reader: inout ByteReader, field: String) throws -> WireArray {
        let raw = try reader.read(UInt64.self, "element count of \(field)")
        guard raw <= UInt64(Int.max) else { throw WireError.truncated(what: field) }
        let count = Int(raw)
        switch code {
        case 1: return .uint8(try reader.readElements(UInt8.self, count: count, field))
        case 2: return .int16(try reader.readElements(Int16.self, count: count, field))
        case 3: return .int32(try reader.readElements(Int32.self, count: count, field))
        case 4: return .int64(try reader.readElements(Int64.self, count: count, field))
        case 5: return .float32(try reader.readElements(Float.self, count: count, field))
        case 6: return .float64(try reader.readElements(Double.self, count: count, field))
        case 7:
            let bytes = try reader.readElements(UInt8.self, count: count, field)
            guard let text = String(validating: bytes, as: UTF8.self) else { throw WireError.malformed("field \(field) is not UTF-8") }
            return .text(text)
        default: throw WireError.unknownElementType(code)
        }
    }
}
