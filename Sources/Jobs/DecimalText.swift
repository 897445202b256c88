/// Plain decimal numbers as text: the only number syntax job specs accept (no hex, octal,
/// sexagesimal, `inf` or `nan`), and the shortest text that reads back to the same Double.
enum DecimalText {
    /// Parses `[+-]digits[.digits][(e|E)[+-]digits]` (also `.5` and `5.`); nil for anything else.
    static func parse(_ text: String) -> Double? {
        var sawDigit = false
        var sawDot = false
        var sawExponent = false
        var previous: Character? = nil
        for c in text {
            switch c {
            case "0"..."9": sawDigit = true
            case "+", "-":
                guard previous == nil || previous == "e" || previous == "E" else { return nil }
            case ".":
                guard !sawDot, !sawExponent else { return nil }
                sawDot = true
            case "e", "E":
                guard sawDigit, !sawExponent else { return nil }
                sawExponent = true
            default: return nil
            }
            previous = c
        }
        guard sawDigit, let value = Double(text) else { return nil }
        return value
    }

    /// Integral values within ±2^53 print without a fraction (`40`), others as Swift's shortest
    /// round-trip form (`0.001`, `1e-06`).
    static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 9.0e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
