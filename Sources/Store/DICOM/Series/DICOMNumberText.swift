/// Numbers in import messages as a person writes them: millimetres rounded to 4 decimals with trailing
/// zeros dropped (2.7000000000000455 → "2.7", 5.0 → "5"), vectors and lists as "(x, y, z)".
enum DICOMNumberText {
    /// `value` rounded to 4 decimals, without trailing zeros; non-finite values as Swift prints them.
    static func number(_ value: Double) -> String {
        guard value.isFinite, abs(value) < 1e15 else { return "\(value)" }
        let rounded = (value * 10_000).rounded() / 10_000
        if rounded == 0 { return "0" }
        let text = "\(rounded)"
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }

    /// "(x, y, z)" with each component as ``number(_:)``.
    static func vector(_ v: SIMD3<Double>) -> String { list([v.x, v.y, v.z]) }

    /// "(a, b, …)" with each value as ``number(_:)``.
    static func list(_ values: [Double]) -> String { "(" + values.map(number).joined(separator: ", ") + ")" }
}
