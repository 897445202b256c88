/// One isodose line drawn on the slices: a dose in Gy, its label and colour.
public struct IsodoseLevel: Sendable, Equatable {
    /// Dose of the line in Gy.
    public var doseGy: Double
    /// Label such as "95 %" (of the reference dose).
    public var label: String
    /// Line colour.
    public var colour: RGBColour

    /// A line at `doseGy`.
    public init(doseGy: Double, label: String, colour: RGBColour) {
        self.doseGy = doseGy
        self.label = label
        self.colour = colour
    }

    /// Lines at 95, 80, 50 and 20 % of `referenceGy` (prescription, or the maximum dose).
    public static func standard(referenceGy: Double) -> [IsodoseLevel] {
        let colours = [RGBColour(255, 255, 255), RGBColour(255, 160, 0), RGBColour(0, 200, 255), RGBColour(120, 120, 255)]
        return zip([95.0, 80, 50, 20], colours).map { pct, colour in
            IsodoseLevel(doseGy: referenceGy * pct / 100, label: "\(Int(pct)) %", colour: colour)
        }
    }
}
