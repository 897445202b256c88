import CPNG

/// Encodes ``RGBImage``s as PNG (8-bit RGB, no alpha) through libpng's simplified write API.
public enum PNGWriter {
    /// The PNG file bytes of `image`.
    public static func encode(_ image: RGBImage) throws -> [UInt8] {
        var control = png_image()
        control.version = rt_png_image_version()
        control.width = png_uint_32(image.width)
        control.height = png_uint_32(image.height)
        control.format = rt_png_format_rgb()
        let stride = png_int_32(image.width * 3)
        var size: png_alloc_size_t = 0
        // First call measures, second call writes into a buffer of that size.
        let measured = image.bytes.withUnsafeBytes { png_image_write_to_memory(&control, nil, &size, 0, $0.baseAddress, stride, nil) }
        guard measured != 0, size > 0 else { throw failure(&control, "measuring") }
        var out = [UInt8](repeating: 0, count: Int(size))
        let written = out.withUnsafeMutableBytes { buffer in
            image.bytes.withUnsafeBytes { png_image_write_to_memory(&control, buffer.baseAddress, &size, 0, $0.baseAddress, stride, nil) }
        }
        guard written != 0 else { throw failure(&control, "writing") }
        png_image_free(&control)
        return Array(out.prefix(Int(size)))
    }

    private static func failure(_ control: inout png_image, _ step: String) -> ReportError {
        let message = withUnsafeBytes(of: control.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        png_image_free(&control)
        return ReportError("libpng failed \(step) a PNG: \(message)")
    }
}
