import Store

/// The result of a finished job run: the result file contents and a one-line summary for the audit log.
public struct JobOutcome {
    /// The result file contents; the coordinator adds provenance attributes and `/timings/tasks`.
    public var result: ResultFile
    /// A short human summary (e.g. "6 structures, 4 slabs"), recorded in the job's events.
    public var summary: String

    public init(result: ResultFile, summary: String) {
        self.result = result
        self.summary = summary
    }
}
