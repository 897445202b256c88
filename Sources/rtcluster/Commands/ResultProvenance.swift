import Foundation
import Registry
import Store

/// What `results` checks before it exports anything: that the stored result file is the one the job wrote (its
/// SHA-256 against the registry's, for jobs that succeeded since the registry records it), that it belongs to this
/// job (its `job_id`, `kind` and `job_submitted_at` attributes against the registry's row) and that the case file
/// drawn under it is the one the job ran on (its SHA-256 against the registry's and the result's `case_sha256`).
/// A mismatch is invalid input (65) naming both values. Attributes a result lacks are not compared.
struct ResultProvenance {
    let job: JobRecord
    let caseRecord: CaseRecord
    let resultURL: URL
    let caseURL: URL

    func verify() throws {
        if let recorded = job.resultSHA256 {
            let found = try digest(resultURL, what: "result file")
            guard found == recorded else {
                throw CLIError.invalidInput("result file changed since the job finished: \(resultURL.path) has SHA-256 \(found), "
                                            + "the registry recorded \(recorded) when job \(job.id) succeeded")
            }
        }
        let attributes: [String: AttributeValue]
        do {
            attributes = try ResultFile.readAttributes(path: resultURL.path)
        } catch {
            throw CLIError.invalidInput("\(error)")
        }
        let expected: [(String, AttributeValue)] = [
            ("job_id", .int(Int(job.id))), ("kind", .string(job.kind)),
            ("job_submitted_at", .double(job.submittedAt.timeIntervalSince1970)),
        ]
        for (name, value) in expected {
            if let stored = attributes[name], stored != value {
                throw CLIError.invalidInput("\(resultURL.path) is not job \(job.id)'s result: its \(name) is \(stored), "
                                            + "the registry's job has \(value)")
            }
        }
        let caseDigest = try digest(caseURL, what: "case file")
        guard caseDigest == caseRecord.sha256 else {
            throw CLIError.invalidInput("case \(caseRecord.id): its file \(caseURL.path) has changed since it was added (SHA-256 "
                                        + "\(caseDigest), registered \(caseRecord.sha256)); the result cannot be drawn on it")
        }
        if let stored = attributes["case_sha256"], stored != .string(caseDigest) {
            throw CLIError.invalidInput("\(resultURL.path) was computed on a case file with SHA-256 \(stored), "
                                        + "but case \(caseRecord.id)'s file has \(caseDigest)")
        }
    }

    private func digest(_ url: URL, what: String) throws -> String {
        do {
            return try SHA256.hex(ofFile: url)
        } catch {
            throw CLIError.invalidInput("cannot read the \(what) \(url.path): \(error.localizedDescription)")
        }
    }
}
