/// A real interval with open or closed ends, printed the mathematical way: `[0, 360)`, `(0, 100]`.
struct Interval: CustomStringConvertible {
    let lower: Double
    let upper: Double
    let lowerOpen: Bool
    let upperOpen: Bool

    /// The interval [lower, upper] by default; pass `lowerOpen`/`upperOpen` to exclude an end.
    init(_ lower: Double, _ upper: Double, lowerOpen: Bool = false, upperOpen: Bool = false) {
        self.lower = lower
        self.upper = upper
        self.lowerOpen = lowerOpen
        self.upperOpen = upperOpen
    }

    func contains(_ x: Double) -> Bool {
        (lowerOpen ? x > lower : x >= lower) && (upperOpen ? x < upper : x <= upper)
    }

    var description: String {
        "\(lowerOpen ? "(" : "[")\(DecimalText.format(lower)), \(DecimalText.format(upper))\(upperOpen ? ")" : "]")"
    }
}
