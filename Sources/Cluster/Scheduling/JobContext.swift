import Foundation
import Registry

/// What a job kind needs to start a run: the job record, where its case file is, and the world size.
public struct JobContext: Sendable {
    /// The claimed job (kind, verbatim spec, attempts...).
    public let job: JobRecord
    /// Absolute path of the job's case file (read on the coordinator only).
    public let caseFilePath: String
    /// Number of ranks in the MPI world (informational: results must not depend on it).
    public let ranks: Int
    /// Directory of the pencil-beam kernel cache (coordinator side), or nil for none.
    public let kernelCacheDirectory: URL?
    /// True when the workers can open `caseFilePath` themselves (they run on the coordinator's node): a kind may
    /// then send the path instead of the case's data.
    public let workersReadCaseFile: Bool
    /// Whether the job was cancelled meanwhile: a kind checks it between its coordinator-side steps and in loops that
    /// can run for seconds (``JobCancellation/check()`` throws ``JobCancelled``).
    public let cancellation: JobCancellation

    public init(job: JobRecord, caseFilePath: String, ranks: Int, kernelCacheDirectory: URL? = nil, workersReadCaseFile: Bool = false,
                cancellation: JobCancellation = .never) {
        self.job = job
        self.caseFilePath = caseFilePath
        self.ranks = ranks
        self.kernelCacheDirectory = kernelCacheDirectory
        self.workersReadCaseFile = workersReadCaseFile
        self.cancellation = cancellation
    }
}
