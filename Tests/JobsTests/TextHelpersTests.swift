import Testing
@testable import Jobs

/// Decimal number syntax, shortest number formatting and edit-distance suggestions.
struct TextHelpersTests {
    @Test(arguments: [("5", 5.0), ("-350", -350), ("0.001", 0.001), ("1e-06", 1e-6), ("1.0e-6", 1e-6), ("+2.5", 2.5), (".5", 0.5), ("3E2", 300)])
    func decimalsParse(_ text: String, _ value: Double) {
        #expect(DecimalText.parse(text) == value)
    }

    @Test(arguments: ["", "inf", "nan", ".inf", "0x10", "1_000", "1:30", "5e", "e5", "1.2.3", "--1", "1e+-2", "5 "])
    func nonDecimalsAreRejected(_ text: String) {
        #expect(DecimalText.parse(text) == nil)
    }

    @Test(arguments: [0.0, 40, -350, 0.001, 1e-6, 1e-12, 2.5, 1234.5, 1e6, 18446744073709551615.0, 1.0 / 3])
    func formattedNumbersReadBackExactly(_ value: Double) {
        #expect(DecimalText.parse(DecimalText.format(value)) == value)
    }

    @Test func integralNumbersPrintWithoutFraction() {
        #expect(DecimalText.format(40) == "40")
        #expect(DecimalText.format(-350) == "-350")
        #expect(DecimalText.format(0.5) == "0.5")
    }

    @Test func suggestions() {
        #expect(Suggestion.distance("kitten", "sitting") == 3)
        #expect(Suggestion.distance("", "abc") == 3)
        #expect(Suggestion.hint(for: "bixel", among: ["bixel_mm", "sad_mm"]) == "")
        #expect(Suggestion.hint(for: "bixel_m", among: ["bixel_mm", "sad_mm"]) == "; did you mean \"bixel_mm\"?")
        #expect(Suggestion.hint(for: "zzz", among: ["bixel_mm"]) == "")
    }

    @Test func intervalsPrintTheirOpenEnds() {
        #expect(Interval(0, 360, upperOpen: true).description == "[0, 360)")
        #expect(Interval(0, 100, lowerOpen: true).description == "(0, 100]")
        #expect(!Interval(0, 360, upperOpen: true).contains(360))
        #expect(!Interval(0, 100, lowerOpen: true).contains(0))
        #expect(Interval(0, 100, lowerOpen: true).contains(100))
    }
}
