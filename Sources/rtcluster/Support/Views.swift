import Foundation
import Registry

/// JSON shape of a case in `case list/show --json` (a stable contract for scripts).
struct CaseView: Encodable {
    let id: String
    let site: String
    let created: Date
    let sha256: String
    let dims: [Int]
    let spacingMM: [Double]
    let structures: [String]
    let caseFile: String

    init(_ r: CaseRecord, dataDirectory: DataDirectory) {
        id = r.id; site = r.site; created = r.created; sha256 = r.sha256
        dims = [r.nx, r.ny, r.nz]
        spacingMM = [r.spacingMM.x, r.spacingMM.y, r.spacingMM.z]
        structures = r.structures
        caseFile = dataDirectory.root.appendingPathComponent(r.casePath).path
    }

    enum CodingKeys: String, CodingKey {
        case id, site, created, sha256, dims, structures
        case spacingMM = "spacing_mm", caseFile = "case_file"
    }
}

/// JSON shape of a job in `status/list/submit --json`.
struct JobView: Encodable {
    let id: Int64
    let caseID: String
    let kind: String
    let state: String
    let priority: Int
    let attempts: Int
    let maxAttempts: Int
    let submitted: Date
    let started: Date?
    let finished: Date?
    let leaseExpires: Date?
    let progressDone: Int
    let progressTotal: Int
    let elapsedSeconds: Double?
    let error: String?
    let resultPath: String?
    /// SHA-256 of the result file recorded when the job succeeded (absent for older jobs).
    let resultSHA256: String?

    init(_ r: JobRecord, now: Date = Date()) {
        id = r.id; caseID = r.caseID; kind = r.kind; state = r.state.rawValue; priority = r.priority
        attempts = r.attempts; maxAttempts = r.maxAttempts
        submitted = r.submittedAt; started = r.startedAt; finished = r.finishedAt; leaseExpires = r.leaseExpiresAt
        progressDone = r.progressDone; progressTotal = r.progressTotal
        elapsedSeconds = r.startedAt.map { (r.finishedAt ?? now).timeIntervalSince($0) }
        error = r.error; resultPath = r.resultPath; resultSHA256 = r.resultSHA256
    }

    /// Progress as "done/total" or "-" before the job is split into tasks.
    var progressText: String { progressTotal > 0 ? "\(progressDone)/\(progressTotal)" : "-" }
    /// Elapsed running time as text.
    var elapsedText: String { elapsedSeconds.map { String(format: "%.1fs", $0) } ?? "-" }

    enum CodingKeys: String, CodingKey {
        case id, kind, state, priority, attempts, submitted, started, finished, error
        case caseID = "case", maxAttempts = "max_attempts", leaseExpires = "lease_expires"
        case progressDone = "progress_done", progressTotal = "progress_total"
        case elapsedSeconds = "elapsed_s", resultPath = "result_path", resultSHA256 = "result_sha256"
    }
}

/// JSON shape of an audit event.
struct EventView: Encodable {
    let id: Int64
    let at: Date
    let job: Int64?
    let caseID: String?
    let kind: String
    let message: String

    init(_ e: EventRecord) {
        id = e.id; at = e.at; job = e.jobID; caseID = e.caseID; kind = e.kind.rawValue; message = e.message
    }

    enum CodingKeys: String, CodingKey { case id, at, job, kind, message, caseID = "case" }
}

extension Date {
    /// ISO 8601 timestamp in UTC, seconds precision.
    var isoText: String { ISO8601DateFormatter().string(from: self) }
}
