/// One attribute of a data set: tag, value representation and value.
public struct DICOMElement: Sendable {
    /// The value of an attribute.
    public enum Value: Sendable {
        /// The value bytes as stored (little endian; strings padded to even length).
        case bytes([UInt8])
        /// A sequence of items, each a nested data set.
        case sequence([DICOMDataSet])
        /// Encapsulated pixel data: the basic offset table and the fragments, in file order.
        case encapsulated(offsetTable: [UInt8], fragments: [[UInt8]])
    }

    /// The attribute tag.
    public let tag: DICOMTag
    /// The two-letter value representation ("UN" when an implicit VR tag is unknown).
    public let vr: String
    /// The value.
    public let value: Value

    /// An element with `tag`, `vr` and `value`.
    public init(tag: DICOMTag, vr: String, value: Value) {
        self.tag = tag
        self.vr = vr
        self.value = value
    }
}
