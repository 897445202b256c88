import Core

/// One structure to export to an RT Structure Set: a name, its mask, and how it is interpreted.
public struct RTStructROI: Sendable {
    /// ROI Name (3006,0026), e.g. "PTV" or "lung_left".
    public var name: String
    /// The binary mask (non-zero = inside) on the CT grid.
    public var mask: MaskVolume
    /// RT ROI Interpreted Type (3006,00A4): "EXTERNAL", "PTV", "CTV", "GTV", "ORGAN", "AVOIDANCE"...
    public var interpretedType: String
    /// ROI Display Color (3006,002A), RGB 0...255.
    public var colorRGB: SIMD3<UInt8>

    /// A structure with `name`, `mask`, `interpretedType` and display colour.
    public init(name: String, mask: MaskVolume, interpretedType: String = "ORGAN", colorRGB: SIMD3<UInt8> = SIMD3(255, 0, 0)) {
        self.name = name
        self.mask = mask
        self.interpretedType = interpretedType
        self.colorRGB = colorRGB
    }
}
