/// A DICOM data set: attributes by tag, with typed accessors that validate the value and
/// throw a ``DICOMError`` naming `file` and the tag when it is malformed.
public struct DICOMDataSet: Sendable {
    /// The file the data set came from (or will be written to), for error messages.
    public var file: String
    /// The attributes by tag.
    public private(set) var elements: [DICOMTag: DICOMElement] = [:]

    /// An empty data set attributed to `file`.
    public init(file: String) {
        self.file = file
    }

    /// The element with `tag`, if present.
    public subscript(tag: DICOMTag) -> DICOMElement? { elements[tag] }

    /// The tags in ascending order (the order in which a data set is encoded).
    public var sortedTags: [DICOMTag] { elements.keys.sorted() }

    /// Adds or replaces an element.
    public mutating func set(_ element: DICOMElement) {
        elements[element.tag] = element
    }

    // MARK: Reading values

    /// The raw value bytes of `tag` (nil when absent or not a byte value).
    public func bytes(_ tag: DICOMTag) -> [UInt8]? {
        guard case .bytes(let b)? = elements[tag]?.value else { return nil }
        return b
    }

    /// The text value of `tag` with leading/trailing spaces and trailing NULs removed
    /// (nil when absent); multi-valued strings keep their backslashes.
    public func string(_ tag: DICOMTag) -> String? {
        guard let b = bytes(tag) else { return nil }
        var end = b.count
        while end > 0, b[end - 1] == 0 || b[end - 1] == 0x20 { end -= 1 }
        var start = 0
        while start < end, b[start] == 0x20 { start += 1 }
        return String(decoding: b[start..<end], as: UTF8.self)
    }

    /// The backslash-separated values of `tag`, each trimmed (nil when absent).
    public func strings(_ tag: DICOMTag) -> [String]? {
        guard let text = string(tag) else { return nil }
        return text.split(separator: "\\", omittingEmptySubsequences: false).map { trim(String($0)) }
    }

    /// The decimal values (VR DS or IS) of `tag` (nil when absent or empty); throws when a value
    /// is not a finite number.
    public func decimals(_ tag: DICOMTag) throws -> [Double]? {
        guard let values = strings(tag), !(values.count == 1 && values[0].isEmpty) else { return nil }
        return try values.map { text in
            guard let v = Double(text), v.isFinite else {
                throw DICOMError(file: file, tag: tag, "value '\(text)' is not a finite decimal number")
            }
            return v
        }
    }

    /// The decimal values of `tag`, required to be present with exactly `count` values.
    public func requiredDecimals(_ tag: DICOMTag, count: Int) throws -> [Double] {
        guard let v = try decimals(tag) else { throw DICOMError(file: file, tag: tag, "required attribute is missing or empty") }
        guard v.count == count else { throw DICOMError(file: file, tag: tag, "has \(v.count) values, expected \(count)") }
        return v
    }

    /// An unsigned 16-bit value (VR US) of `tag` (nil when absent); throws when not 2 bytes.
    public func uint16(_ tag: DICOMTag) throws -> UInt16? {
        guard let b = bytes(tag) else { return nil }
        guard b.count == 2 else { throw DICOMError(file: file, tag: tag, "value has \(b.count) bytes, expected 2 (VR US)") }
        return UInt16(b[0]) | UInt16(b[1]) << 8
    }

    /// The required unsigned 16-bit value of `tag`.
    public func requiredUInt16(_ tag: DICOMTag) throws -> UInt16 {
        guard let v = try uint16(tag) else { throw DICOMError(file: file, tag: tag, "required attribute is missing") }
        return v
    }

    /// The items of the sequence `tag` (empty when absent); throws when `tag` is not a sequence.
    public func sequence(_ tag: DICOMTag) throws -> [DICOMDataSet] {
        guard let element = elements[tag] else { return [] }
        switch element.value {
        case .sequence(let items): return items
        case .bytes(let b) where b.isEmpty: return []
        default: throw DICOMError(file: file, tag: tag, "is not a sequence (VR \(element.vr))")
        }
    }

    private func trim(_ s: String) -> String {
        var scalars = Substring(s)
        while scalars.first == " " { scalars.removeFirst() }
        while scalars.last == " " || scalars.last == "\0" { scalars.removeLast() }
        return String(scalars)
    }
}
