import Foundation
import Testing
@testable import Jobs

/// `transport:` (Russian roulette of scattered photons) in `dose` and `plan` jobs: parsed values, the canonical
/// round trip, and the rejection of out-of-range or incomplete settings with their key path.
struct TransportSpecTests {
    /// A valid open-field dose job (roulette off).
    static let base = OpenFieldSpecTests.base

    static func dose(_ yaml: String) throws -> DoseCalculationSpec {
        let spec = try JobSpec.parse(yaml: yaml)
        guard case .dose(let d) = spec.work else { throw JobSpecError(.invalidValue, at: "kind", "not a dose job") }
        return d
    }

    @Test func rouletteIsOffByDefaultAndWritesNothing() throws {
        let d = try Self.dose(Self.base)
        #expect(d.transport == TransportSpec() && !d.transport.rouletteEnabled)
        #expect(!(try JobSpec.parse(yaml: Self.base)).canonicalYAML().contains("transport"))
    }

    @Test func rouletteSettingsParseAndRoundTrip() throws {
        let yaml = Self.base + "transport: {roulette_below_mev: 0.5, roulette_survival: 0.25}\n"
        let d = try Self.dose(yaml)
        #expect(d.transport == TransportSpec(rouletteBelowMeV: 0.5, rouletteSurvival: 0.25) && d.transport.rouletteEnabled)
        let spec = try JobSpec.parse(yaml: yaml)
        let text = spec.canonicalYAML()
        #expect(text.contains("transport:\n  roulette_below_mev: 0.5\n  roulette_survival: 0.25\n"), "\(text)")
        #expect(try JobSpec.parse(yaml: text) == spec)
        #expect(try JobSpec.parse(yaml: text).canonicalYAML() == text)
    }

    @Test func planJobsAcceptTransport() throws {
        let spec = try JobSpec.parse(yaml: MalformedSpec.basePlan + "transport:\n  roulette_below_mev: 1\n  roulette_survival: 0.5\n")
        guard case .plan(let p) = spec.work else { Issue.record("kind is \(spec.kind)"); return }
        #expect(p.dose.transport == TransportSpec(rouletteBelowMeV: 1, rouletteSurvival: 0.5))
        #expect(try JobSpec.parse(yaml: spec.canonicalYAML()) == spec)
    }

    static let malformed: [(yaml: String, keyPath: String, reason: JobSpecError.Reason, fragment: String)] = [
        (base + "transport: {roulette_below_mev: 0.5, roulette_survival: 0}\n", "transport.roulette_survival", .outOfRange, "outside (0, 1)"),
        (base + "transport: {roulette_below_mev: 0.5, roulette_survival: 1}\n", "transport.roulette_survival", .outOfRange, "outside (0, 1)"),
        (base + "transport: {roulette_below_mev: 0.5, roulette_survival: 1.5}\n", "transport.roulette_survival", .outOfRange, "outside (0, 1)"),
        (base + "transport: {roulette_below_mev: 0.5, roulette_survival: -0.1}\n", "transport.roulette_survival", .outOfRange, "outside (0, 1)"),
        (base + "transport: {roulette_below_mev: 0, roulette_survival: 0.5}\n", "transport.roulette_below_mev", .outOfRange, "outside (0, 10]"),
        (base + "transport: {roulette_below_mev: -1, roulette_survival: 0.5}\n", "transport.roulette_below_mev", .outOfRange, "outside (0, 10]"),
        (base + "transport: {roulette_below_mev: 11, roulette_survival: 0.5}\n", "transport.roulette_below_mev", .outOfRange, "outside (0, 10]"),
        (base + "transport: {roulette_below_mev: .nan, roulette_survival: 0.5}\n", "transport.roulette_below_mev", .invalidValue, "not a finite number"),
        (base + "transport: {roulette_below_mev: 0.5}\n", "transport.roulette_survival", .missingKey, "needs roulette_survival"),
        (base + "transport: {roulette_survival: 0.5}\n", "transport.roulette_below_mev", .missingKey, "needs roulette_below_mev"),
        (base + "transport: {roulette_below_mev: 0.5, roulette_survivl: 0.5}\n", "transport.roulette_survivl", .unknownKey, "roulette_survival"),
        (base + "transport: 0.5\n", "transport", .wrongType, "expected a mapping"),
        ("kind: segment\ntransport: {roulette_below_mev: 0.5, roulette_survival: 0.5}\n", "transport", .unknownKey, "dose and plan"),
    ]

    @Test(arguments: malformed.indices)
    func badTransportSettingsAreRejectedWithTheirKeyPath(index: Int) {
        let bad = Self.malformed[index]
        MalformedSpec.expectRejected(bad.yaml, bad.keyPath, bad.reason, bad.fragment)
    }
}
