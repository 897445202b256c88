/// A parsed, validated job spec: the scheduling fields common to every job plus the kind-specific work.
///
/// Obtain one with `JobSpec.parse(yaml:)`; check it against a case with `validate(againstCaseStructures:)`;
/// store `canonicalYAML()` as the job's provenance (it parses back to an equal value).
public struct JobSpec: Hashable, Sendable {
    /// Optional human label (1…128 characters from `[A-Za-z0-9 ._-]`).
    public var name: String?
    /// Scheduling priority, 0…1000, higher runs first (default 100).
    public var priority: Int
    /// Seed of all random streams of the job (default 1).
    public var seed: UInt64
    /// Attempts before the job fails for good, 1…100 (default 3).
    public var maxAttempts: Int
    /// What to compute.
    public var work: JobWork

    /// Creates a spec; values are taken as given (ranges are checked by the parser).
    public init(name: String? = nil, priority: Int = 100, seed: UInt64 = 1, maxAttempts: Int = 3, work: JobWork) {
        self.name = name
        self.priority = priority
        self.seed = seed
        self.maxAttempts = maxAttempts
        self.work = work
    }

    /// The job's kind.
    public var kind: JobKind {
        switch work {
        case .segment: return .segment
        case .dose: return .dose
        case .plan: return .plan
        case .selftest: return .selftest
        }
    }

    /// Largest spec text accepted, in UTF-8 bytes (1 MiB).
    public static let maxSpecBytes = 1 << 20
    /// Largest number of elements accepted in any list.
    public static let maxListCount = 10_000
}
