/// Plain decimal numbers as text: the only number syntax job specs accept (no hex, octal,
/// sexagesimal, `inf` or `nan`), and the shortest text that reads back to the same Double.
enum DecimalText {
    /// Parses `[+-]digits[.digits][(e|E)[+-]digits]` (also `.5` and `5.`); nil for anything else, including an
    /// integer part with a leading zero (`010` is 8 in YAML 1.1 and 10 in YAML 1.2).
    static func parse(_ text: String) -> Double? {
        guard !hasLeadingZero(text) else { return nil }
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

    /// True when the integer part (after an optional sign) has more than one digit and starts with 0.
    static func hasLeadingZero(_ text: String) -> Bool {
        let digits = text.drop { $0 == "+" || $0 == "-" }.prefix { $0.isASCII && $0.isNumber }
        return digits.count > 1 && digits.first == "0"
    }

    /// Integral values within ±2^53 print without a fraction (`40`), others as Swift's shortest
    /// round-trip form (`0.001`, `1e-06`).
    static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 9.0e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
