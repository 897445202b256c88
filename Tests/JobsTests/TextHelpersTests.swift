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

    @Test func integersAreExact() {
        let cases: [(String, (Bool, UInt64)?)] = [
            ("5", (false, 5)), ("-3", (true, 3)), ("1e6", (false, 1_000_000)), ("5.0", (false, 5)), ("2.5e1", (false, 25)),
            (".5e1", (false, 5)), ("500e-2", (false, 5)), ("0.0", (false, 0)), ("-0", (true, 0)), ("0e99999999999999999999", (false, 0)),
            ("18446744073709551615", (false, UInt64.max)), ("1.8446744073709551615e19", (false, UInt64.max)),
            ("18446744073709551616", nil), ("1e20", nil), ("2.5", nil), ("1.0000000000000000001e3", nil), ("1e-1", nil), ("010", nil), ("x", nil),
        ]
        for (text, expected) in cases {
            let value = DecimalText.integer(text)
            #expect(value?.negative == expected?.0 && value?.magnitude == expected?.1, "\(text): \(String(describing: value))")
        }
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
