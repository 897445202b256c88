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

    /// The exact value of `text` when it is a plain decimal (as ``parse(_:)`` accepts) that is exactly an integer
    /// (`5`, `-3`, `1e6`, `5.0`, `2.5e1`) of magnitude at most `UInt64.max`; nil otherwise (not a number, a fraction
    /// however small, or too large). Computed on the digits, not through a Double, so `1.0000000000000000001e3` is no integer.
    static func integer(_ text: String) -> (negative: Bool, magnitude: UInt64)? {
        guard parse(text) != nil else { return nil }
        let negative = text.hasPrefix("-")
        let unsigned = text.drop { $0 == "+" || $0 == "-" }
        let parts = unsigned.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "e" || $0 == "E" })
        let mantissa = parts[0].split(separator: ".", omittingEmptySubsequences: false)
        let fraction = mantissa.count == 2 ? mantissa[1] : ""
        // value = digits × 10^(exponent − fraction digits); drop the digits' leading zeros, move trailing ones into the power.
        var digits = Substring(String(mantissa[0] + fraction).drop { $0 == "0" })
        if digits.isEmpty { return (negative, 0) }
        // An exponent beyond ±10^6 (or past Int) gives no integer of 20 digits or fewer; bounding it keeps the sums below exact.
        guard let exponent = parts.count == 2 ? Int(parts[1]) : 0, exponent.magnitude <= 1_000_000, fraction.count <= 1_000_000 else { return nil }
        var power = exponent - fraction.count
        while digits.last == "0" { digits.removeLast(); power += 1 }
        guard power >= 0, digits.count + power <= 20, var magnitude = UInt64(digits) else { return nil }
        for _ in 0..<power {
            let (product, overflow) = magnitude.multipliedReportingOverflow(by: 10)
            guard !overflow else { return nil }
            magnitude = product
        }
        return (negative, magnitude)
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
