#if !_endian(little)
#error("the cluster message encoding copies numeric arrays as they are in memory: it needs a little-endian host")
#endif

/// Appends little-endian numbers, length-prefixed strings and arrays to a byte buffer.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 64) { bytes.reserveCapacity(capacity) }

    mutating func write<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func write(_ value: Double) { write(value.bitPattern) }

    /// A UTF-8 string as a UInt32 byte count followed by the bytes.
    mutating func write(_ text: String) {
        let utf8 = Array(text.utf8)
        write(UInt32(utf8.count))
        bytes.append(contentsOf: utf8)
    }

    /// The elements of `values` (integers or IEEE floats) as their little-endian bytes, without a count.
    mutating func writeElements<T: BitwiseCopyable & Numeric>(_ values: [T]) {
        values.withUnsafeBytes { bytes.append(contentsOf: $0) }
    }
}
