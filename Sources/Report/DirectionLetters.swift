/// The patient-direction letters (R, L, A, P, S, I) drawn at the middle of each image edge,
/// from a 5×7 bitmap font scaled to the image size.
enum DirectionLetters {
    /// Rows of 5 bits (most significant bit = leftmost pixel), top to bottom.
    static let glyphs: [Character: [UInt8]] = [
        "R": [0b11110, 0b10001, 0b10001, 0b11110, 0b10100, 0b10010, 0b10001],
        "L": [0b10000, 0b10000, 0b10000, 0b10000, 0b10000, 0b10000, 0b11111],
        "A": [0b01110, 0b10001, 0b10001, 0b11111, 0b10001, 0b10001, 0b10001],
        "P": [0b11110, 0b10001, 0b10001, 0b11110, 0b10000, 0b10000, 0b10000],
        "S": [0b01111, 0b10000, 0b10000, 0b01110, 0b00001, 0b00001, 0b11110],
        "I": [0b01110, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100, 0b01110],
    ]

    /// Draws the four edge letters in yellow on a dark box.
    static func draw(_ labels: (left: Character, right: Character, top: Character, bottom: Character), on image: inout RGBImage) {
        let scale = max(1, min(image.width, image.height) / 120)
        let gw = 5 * scale, gh = 7 * scale, pad = scale
        guard image.width > 2 * (gw + 2 * pad), image.height > 2 * (gh + 2 * pad) else { return }
        let midX = image.width / 2 - gw / 2, midY = image.height / 2 - gh / 2
        glyph(labels.left, x: pad * 2, y: midY, scale: scale, on: &image)
        glyph(labels.right, x: image.width - gw - 2 * pad, y: midY, scale: scale, on: &image)
        glyph(labels.top, x: midX, y: 2 * pad, scale: scale, on: &image)
        glyph(labels.bottom, x: midX, y: image.height - gh - 2 * pad, scale: scale, on: &image)
    }

    private static func glyph(_ letter: Character, x: Int, y: Int, scale: Int, on image: inout RGBImage) {
        guard let rows = glyphs[letter] else { return }
        let box = RGBColour(0, 0, 0), ink = RGBColour(255, 230, 0)
        for py in (y - scale)..<(y + 8 * scale) { for px in (x - scale)..<(x + 6 * scale) where px >= 0 && py >= 0 && px < image.width && py < image.height {
            let gx = (px - x) / scale, gy = (py - y) / scale
            let on = px >= x && py >= y && gx < 5 && gy < 7 && rows[gy] & (0b10000 >> UInt8(gx)) != 0
            image[px, py] = on ? ink : box
        } }
    }
}
