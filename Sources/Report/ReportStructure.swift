import Core

/// A structure as the report draws it: name, mask (on any grid) and outline/DVH colour.
public struct ReportStructure: Sendable {
    /// Name as shown (escaped in HTML).
    public var name: String
    /// Binary mask (non-zero = inside).
    public var mask: MaskVolume
    /// Outline, legend and DVH colour.
    public var colour: RGBColour

    /// A structure with its display colour.
    public init(name: String, mask: MaskVolume, colour: RGBColour) {
        self.name = name
        self.mask = mask
        self.colour = colour
    }
}
