/// The outcome of one self-test check: `ok` with a short description of what was verified, or the first
/// mismatch found (on rank 0 of a failed check: the failing ranks' messages, one per line).
public struct SelfTestCheck: Codable, Sendable, Equatable {
    /// The check's name, e.g. "allreduce".
    public var name: String
    /// Whether the check passed on every rank.
    public var ok: Bool
    /// What was verified, or what went wrong and where.
    public var detail: String

    public init(name: String, ok: Bool, detail: String) {
        self.name = name
        self.ok = ok
        self.detail = detail
    }
}
