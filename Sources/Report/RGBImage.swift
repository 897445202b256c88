/// An 8-bit RGB raster, rows top to bottom, 3 bytes per pixel.
public struct RGBImage: Sendable, Equatable {
    /// Width and height in pixels (> 0).
    public let width: Int, height: Int
    /// Pixels row by row, `[r, g, b]` each.
    public private(set) var bytes: [UInt8]

    /// An image filled with `colour`.
    public init(width: Int, height: Int, fill colour: RGBColour = RGBColour(0, 0, 0)) {
        precondition(width > 0 && height > 0, "image size \(width)×\(height)")
        self.width = width
        self.height = height
        bytes = [UInt8](repeating: 0, count: width * height * 3)
        for i in 0..<(width * height) { set(i, colour) }
    }

    /// The pixel in column `x`, row `y` (row 0 at the top); traps outside the image.
    public subscript(x: Int, y: Int) -> RGBColour {
        get {
            precondition(x >= 0 && y >= 0 && x < width && y < height, "pixel (\(x), \(y)) outside \(width)×\(height)")
            let i = 3 * (y * width + x)
            return RGBColour(bytes[i], bytes[i + 1], bytes[i + 2])
        }
        set {
            precondition(x >= 0 && y >= 0 && x < width && y < height, "pixel (\(x), \(y)) outside \(width)×\(height)")
            set(y * width + x, newValue)
        }
    }

    private mutating func set(_ pixel: Int, _ c: RGBColour) {
        bytes[3 * pixel] = c.red
        bytes[3 * pixel + 1] = c.green
        bytes[3 * pixel + 2] = c.blue
    }
}
