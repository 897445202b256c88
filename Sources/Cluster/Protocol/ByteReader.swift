/// Reads what `ByteWriter` wrote, checking every length against the bytes that remain.
struct ByteReader {
    private let bytes: [UInt8]
    private(set) var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var remaining: Int { bytes.count - offset }

    mutating func read<T: FixedWidthInteger>(_ type: T.Type, _ what: @autoclosure () -> String) throws -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { throw WireError.truncated(what: what()) }
        var value = T.zero
        for i in 0..<size { value |= T(truncatingIfNeeded: bytes[offset + i]) << (8 * i) }
        offset += size
        return value
    }

    mutating func readDouble(_ what: @autoclosure () -> String) throws -> Double {
        Double(bitPattern: try read(UInt64.self, what()))
    }

    mutating func readString(_ what: @autoclosure () -> String) throws -> String {
        let count = Int(try read(UInt32.self, "length of \(what())"))
        let raw = try readBytes(count, what())
        guard let text = String(validating: raw, as: UTF8.self) else { throw WireError.malformed("\(what()) is not UTF-8") }
        return text
    }

    mutating func readBytes(_ count: Int, _ what: @autoclosure () -> String) throws -> [UInt8] {
        guard count >= 0, remaining >= count else { throw WireError.truncated(what: what()) }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    /// `count` little-endian elements (integers or IEEE floats), copied in one block (the host is little-endian,
    /// see ByteWriter); the byte length is checked before allocating.
    mutating func readElements<T: BitwiseCopyable & Numeric>(_ type: T.Type, count: Int, _ what: @autoclosure () -> String) throws -> [T] {
        let size = MemoryLayout<T>.size
        guard count >= 0, count <= remaining / size else { throw WireError.truncated(what: what()) }
        let start = offset
        offset += count * size
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            bytes.withUnsafeBytes { raw in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[start..<start + count * size]))
            }
            initialized = count
        }
    }

    /// Throws unless every byte was consumed.
    func requireEnd(_ what: String) throws {
        guard remaining == 0 else { throw WireError.malformed("\(remaining) unexpected bytes after \(what)") }
    }
}
