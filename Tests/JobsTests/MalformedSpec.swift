import Foundation
import Testing
@testable import Jobs

/// A malformed spec and what its rejection must say: the reason, the exact key path and a fragment of the message.
struct MalformedSpec: Sendable, CustomStringConvertible {
    let yaml: String
    let keyPath: String
    let reason: JobSpecError.Reason
    let fragment: String

    var description: String { "\(keyPath): \(fragment)" }

    /// A valid plan with three beams and one objective; `replacing` swaps text to make it malformed.
    static let basePlan = """
        kind: plan
        target: PTV
        beams:
          gantry_deg: [0, 120, 240]
          bixel_mm: 5
        histories_per_beamlet: 100
        prescription: {dose_gy: 60, fractions: 30, normalise: d95}
        objectives:
          - {structure: PTV, type: squared_deviation, dose_gy: 60, penalty: 100}
          - {structure: Cord, type: squared_overdose, dose_gy: 40}
        goals:
          - {structure: PTV, metric: D95, comparator: min, value_gy: 60}

        """

    /// The base plan with `old` replaced by `new` (which must change the text).
    static func plan(_ old: String, _ new: String, _ keyPath: String, _ reason: JobSpecError.Reason, _ fragment: String) -> MalformedSpec {
        precondition(basePlan.contains(old), "base plan lacks \(old)")
        return MalformedSpec(yaml: basePlan.replacingOccurrences(of: old, with: new), keyPath: keyPath, reason: reason, fragment: fragment)
    }

    /// The base plan with `lines` appended at the top level.
    static func plan(adding lines: String, _ keyPath: String, _ reason: JobSpecError.Reason, _ fragment: String) -> MalformedSpec {
        MalformedSpec(yaml: basePlan + lines + "\n", keyPath: keyPath, reason: reason, fragment: fragment)
    }

    /// Records an issue unless parsing `yaml` fails with `reason` at `keyPath` and a message containing `fragment`.
    static func expectRejected(_ yaml: String, _ keyPath: String, _ reason: JobSpecError.Reason, _ fragment: String) {
        do {
            _ = try JobSpec.parse(yaml: yaml)
            Issue.record("accepted: \(keyPath)")
        } catch {
            #expect(error.keyPath == keyPath && error.reason == reason && error.message.contains(fragment), "\(error)")
        }
    }

    /// A segment job with the given extra lines.
    static func segment(_ lines: String, _ keyPath: String, _ reason: JobSpecError.Reason, _ fragment: String) -> MalformedSpec {
        MalformedSpec(yaml: "kind: segment\n" + lines + "\n", keyPath: keyPath, reason: reason, fragment: fragment)
    }
}
