import CPNG
import Testing
@testable import Report

/// PNG encoding checked by decoding with libpng's read API.
@Suite struct PNGWriterTests {
    /// Decodes PNG bytes to 8-bit RGB with libpng (width, height, pixels).
    static func decode(_ png: [UInt8]) throws -> (Int, Int, [UInt8]) {
        var control = png_image()
        control.version = rt_png_image_version()
        let begun = png.withUnsafeBytes { png_image_begin_read_from_memory(&control, $0.baseAddress, $0.count) }
        try #require(begun != 0, "libpng cannot read the header")
        control.format = rt_png_format_rgb()
        var pixels = [UInt8](repeating: 0, count: Int(control.width * control.height) * 3)
        let finished = pixels.withUnsafeMutableBytes { png_image_finish_read(&control, nil, $0.baseAddress, 0, nil) }
        try #require(finished != 0, "libpng cannot decode the pixels")
        return (Int(control.width), Int(control.height), pixels)
    }

    @Test func encodesSignatureHeaderAndExactPixels() throws {
        var image = RGBImage(width: 7, height: 3, fill: RGBColour(10, 20, 30))
        image[0, 0] = RGBColour(255, 0, 0)
        image[6, 2] = RGBColour(0, 0, 255)
        image[3, 1] = RGBColour(1, 2, 3)
        let png = try PNGWriter.encode(image)
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        // IHDR is the first chunk: length 13, type, width and height big-endian, bit depth 8, colour type 2 (RGB).
        #expect(Array(png[12..<16]) == Array("IHDR".utf8))
        #expect(Array(png[16..<24]) == [0, 0, 0, 7, 0, 0, 0, 3])
        #expect(png[24] == 8 && png[25] == 2)
        let (w, h, pixels) = try Self.decode(png)
        #expect(w == 7 && h == 3)
        #expect(pixels == image.bytes)
    }
}
