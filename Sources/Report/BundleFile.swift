/// One file of a result bundle: a plain file name and its bytes.
public struct BundleFile: Sendable, Equatable {
    /// File name without directories, e.g. "axial.png".
    public let name: String
    /// Content.
    public let bytes: [UInt8]

    /// A file `name` holding `bytes`.
    public init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }
}
