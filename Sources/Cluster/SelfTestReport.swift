import Core

/// The result of `runSelfTest(on:)`; encodes to JSON as `{"ok": Bool, "size": Int, "checks": [{"name", "ok", "detail"}]}`.
///
/// `ok` and every check's `ok` are the same on all ranks (combined with an allreduce). On rank 0 the detail of a
/// failed check lists every failing rank's message; on other ranks it holds that rank's own message.
public struct SelfTestReport: Codable, Sendable, Equatable {
    /// Whether every check passed on every rank.
    public var ok: Bool
    /// The number of ranks that ran the test.
    public var size: Int
    /// One entry per check, in the order they ran.
    public var checks: [SelfTestCheck]

    public init(ok: Bool, size: Int, checks: [SelfTestCheck]) {
        self.ok = ok
        self.size = size
        self.checks = checks
    }

    /// A human-readable summary: one line per check and a final verdict.
    public var summary: String {
        let lines = checks.map { "\($0.ok ? "PASS" : "FAIL")  \($0.name): \($0.detail.replacingNewlines())" }
        let failed = checks.filter { !$0.ok }.count
        let verdict = ok ? "all \(counted(checks.count, "check")) passed on \(counted(size, "rank"))"
                         : "\(failed) of \(counted(checks.count, "check")) failed on \(counted(size, "rank"))"
        return (lines + [verdict]).joined(separator: "\n")
    }
}

private extension String {
    func replacingNewlines() -> String { split(separator: "\n").joined(separator: "; ") }
}
