/// A DICOM attribute tag (group, element), printed as `(0028,0010)`.
public struct DICOMTag: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Group number (e.g. 0x0028 for image pixel attributes).
    public let group: UInt16
    /// Element number within the group.
    public let element: UInt16

    /// The tag (group, element).
    public init(_ group: UInt16, _ element: UInt16) {
        self.group = group
        self.element = element
    }

    /// The tag as one 32-bit number (group in the high half), the order of a data set.
    public var code: UInt32 { UInt32(group) << 16 | UInt32(element) }

    public static func < (a: DICOMTag, b: DICOMTag) -> Bool { a.code < b.code }

    public var description: String {
        let text = "(" + hex(group) + "," + hex(element) + ")"
        guard let name = DICOMDictionary.name(of: self) else { return text }
        return text + " " + name
    }

    private func hex(_ value: UInt16) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }
}
