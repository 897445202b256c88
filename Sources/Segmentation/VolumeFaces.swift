/// The six faces of a volume's bounding box (used to say which faces a component touches).
public struct VolumeFaces: OptionSet, Sendable, Hashable, Codable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Slice x = 0 (patient's right).
    public static let xMin = VolumeFaces(rawValue: 1 << 0)
    /// Slice x = nx - 1.
    public static let xMax = VolumeFaces(rawValue: 1 << 1)
    /// Row y = 0 (anterior).
    public static let yMin = VolumeFaces(rawValue: 1 << 2)
    /// Row y = ny - 1.
    public static let yMax = VolumeFaces(rawValue: 1 << 3)
    /// First axial slice z = 0.
    public static let zMin = VolumeFaces(rawValue: 1 << 4)
    /// Last axial slice z = nz - 1.
    public static let zMax = VolumeFaces(rawValue: 1 << 5)
    /// The four faces of an axial slice (x and y).
    public static let inPlane: VolumeFaces = [.xMin, .xMax, .yMin, .yMax]
    /// All six faces.
    public static let all: VolumeFaces = [.inPlane, .zMin, .zMax]
}
