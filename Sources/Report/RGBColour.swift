/// An 8-bit sRGB colour, as written into PNG images and HTML/SVG (`#rrggbb`).
public struct RGBColour: Hashable, Sendable {
    /// Red, green and blue, 0...255.
    public var red: UInt8, green: UInt8, blue: UInt8

    /// The colour (r, g, b).
    public init(_ red: UInt8, _ green: UInt8, _ blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// CSS hex form `#rrggbb`.
    public var hex: String {
        let digits = Array("0123456789abcdef")
        return "#" + String([red, green, blue].flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] })
    }

    /// `self` painted over `background` with opacity `alpha` (0...1).
    public func blended(over background: RGBColour, alpha: Double) -> RGBColour {
        func mix(_ a: UInt8, _ b: UInt8) -> UInt8 { UInt8((alpha * Double(a) + (1 - alpha) * Double(b)).rounded()) }
        return RGBColour(mix(red, background.red), mix(green, background.green), mix(blue, background.blue))
    }

    /// Distinct colours for structure outlines and DVH curves, used in this order.
    public static let structurePalette: [RGBColour] = [
        RGBColour(230, 25, 75), RGBColour(60, 180, 75), RGBColour(255, 225, 25), RGBColour(0, 130, 200),
        RGBColour(245, 130, 48), RGBColour(145, 30, 180), RGBColour(70, 240, 240), RGBColour(240, 50, 230),
        RGBColour(210, 245, 60), RGBColour(250, 190, 212), RGBColour(0, 128, 128), RGBColour(170, 110, 40),
        RGBColour(128, 0, 0), RGBColour(170, 255, 195), RGBColour(128, 128, 0), RGBColour(255, 215, 180),
    ]

    /// The palette colour for the structure at position `index`.
    public static func structure(_ index: Int) -> RGBColour { structurePalette[index % structurePalette.count] }

    /// A jet-like colour map for a fraction `t` of the maximum (0 → dark blue, 0.5 → green, 1 → dark red).
    public static func jet(_ t: Double) -> RGBColour {
        let v = min(max(t.isFinite ? t : 0, 0), 1)
        func channel(_ centre: Double) -> UInt8 { UInt8((min(max(1.5 - abs(4 * v - centre), 0), 1) * 255).rounded()) }
        return RGBColour(channel(3), channel(2), channel(1))
    }
}
