import Testing
@testable import Jobs

/// Clinical metric spellings parse to the right metric and print back unchanged.
struct DoseMetricTests {
    @Test(arguments: ["D95", "D2", "D99.5", "D0", "D100", "Dmean", "Dmax", "Dmin", "V20Gy", "V5Gy", "V0.5Gy", "V200Gy"])
    func spellingsRoundTrip(_ text: String) throws {
        let metric = try #require(DoseMetric(text))
        #expect(metric.description == text)
    }

    @Test(arguments: ["", "D", "D95%", "d95", "D101", "D-1", "Dmedian", "V20", "V0Gy", "V201Gy", "VGy", "V20gy", "D1e2", "D+5", "Dnan"])
    func rejectedSpellings(_ text: String) {
        #expect(DoseMetric(text) == nil)
    }

    @Test func valuesAndUnits() {
        #expect(DoseMetric("D95") == .doseAtVolume(volumePct: 95))
        #expect(DoseMetric("V20Gy") == .volumeAtDose(doseGy: 20))
        #expect(DoseMetric("V20Gy")?.isDose == false)
        #expect(DoseMetric("Dmax")?.isDose == true)
    }

    @Test func comparatorDirection() {
        #expect(GoalComparator.atMost.isMet(metric: 25, value: 25))
        #expect(!GoalComparator.atMost.isMet(metric: 25.01, value: 25))
        #expect(GoalComparator.atLeast.isMet(metric: 50, value: 50))
        #expect(!GoalComparator.atLeast.isMet(metric: 49.99, value: 50))
    }
}
