#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Setters that encode typed values with the padding rules of PS3.5 (strings padded to even
/// length with a space, UIDs with a NUL, binary values little endian).
extension DICOMDataSet {
    /// Sets a text attribute (one value or several joined by backslashes).
    public mutating func set(_ tag: DICOMTag, _ vr: String, _ values: [String]) {
        var b = Array(values.joined(separator: "\\").utf8)
        if b.count % 2 == 1 { b.append(vr == "UI" ? 0 : 0x20) }
        set(DICOMElement(tag: tag, vr: vr, value: .bytes(b)))
    }

    /// Sets a single-valued text attribute.
    public mutating func set(_ tag: DICOMTag, _ vr: String, _ value: String) {
        set(tag, vr, [value])
    }

    /// Sets a decimal string (DS) attribute; each value is written with at most 16 characters.
    public mutating func set(_ tag: DICOMTag, decimals: [Double]) {
        set(tag, "DS", decimals.map(DICOMDataSet.decimalString))
    }

    /// Sets an integer string (IS) attribute.
    public mutating func set(_ tag: DICOMTag, integers: [Int]) {
        set(tag, "IS", integers.map { String($0) })
    }

    /// Sets an unsigned short (US) attribute.
    public mutating func set(_ tag: DICOMTag, uint16 value: UInt16) {
        set(DICOMElement(tag: tag, vr: "US", value: .bytes([UInt8(value & 0xFF), UInt8(value >> 8)])))
    }

    /// Sets an unsigned long (UL) attribute.
    public mutating func set(_ tag: DICOMTag, uint32 value: UInt32) {
        set(DICOMElement(tag: tag, vr: "UL", value: .bytes(DICOMDataSet.littleEndian(value))))
    }

    /// Sets an attribute tag (AT) attribute.
    public mutating func set(_ tag: DICOMTag, attributeTag: DICOMTag) {
        let g = [UInt8(attributeTag.group & 0xFF), UInt8(attributeTag.group >> 8)]
        let e = [UInt8(attributeTag.element & 0xFF), UInt8(attributeTag.element >> 8)]
        set(DICOMElement(tag: tag, vr: "AT", value: .bytes(g + e)))
    }

    /// Sets a binary attribute (OB, OW...), padded with a zero byte to even length.
    public mutating func set(_ tag: DICOMTag, _ vr: String, bytes: [UInt8]) {
        var b = bytes
        if b.count % 2 == 1 { b.append(0) }
        set(DICOMElement(tag: tag, vr: vr, value: .bytes(b)))
    }

    /// Sets a sequence (SQ) attribute.
    public mutating func set(_ tag: DICOMTag, items: [DICOMDataSet]) {
        set(DICOMElement(tag: tag, vr: "SQ", value: .sequence(items)))
    }

    /// `value` as a DS string of at most 16 characters (shortest `%g` form that fits).
    static func decimalString(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        for precision in stride(from: 15, through: 1, by: -1) {
            let text = format(value, precision: precision)
            if text.utf8.count <= 16 { return text }
        }
        return format(value, precision: 1)
    }

    private static func format(_ value: Double, precision: Int) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        _ = withVaList([Int32(precision), value]) { args in
            buffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, 64, "%.*g", args) }
        }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// The 4 little-endian bytes of `value`.
    static func littleEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 24)]
    }
}
