import Foundation
import Registry
import Store
import Testing

/// `selftest` jobs through the CLI: submission of a spec text, the registry read in process (faster than a
/// `status` child process in a debug build), and the checksums of a result file.
extension SchedulerCLI {
    /// Submits a selftest job with the spec lines `body` on case `caseID`; returns its id.
    func submitSelftest(caseID: String, _ body: String, priority: Int? = nil) throws -> Int64 {
        let spec = work.appendingPathComponent("selftest-\(UUID().uuidString).yaml")
        try ("kind: selftest\n" + body + "\n").write(to: spec, atomically: true, encoding: .utf8)
        let r = try run(["submit", caseID, spec.path, "--json"] + (priority.map { ["--priority", "\($0)"] } ?? []))
        guard r.status == 0, let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any],
              let id = (object["id"] as? NSNumber)?.int64Value else {
            throw MultiRankLauncher.LaunchError(reason: "submit failed: \(r.stdout) \(r.stderr)")
        }
        return id
    }

    /// The registry of the data directory, opened in this process.
    func registry() throws -> Registry {
        try Registry(path: dataDir.appendingPathComponent("registry.sqlite").path)
    }

    /// Waits (at most 60 s) until no process works on the data directory any more and no job of `jobs` is running
    /// under a lease that has not expired, as a later run would find them; requires that it came to that.
    func waitForStoppedRuns(holding jobs: [Int64]) throws {
        let registry = try registry()
        let deadline = Date().addingTimeInterval(60)
        var processes: [Int32] = [], held: [Int64] = []
        repeat {
            let now = Date()
            processes = processesOnDataDirectory()
            held = try jobs.filter { job in
                let record = try registry.job(id: job)
                return record.state == .running && (record.leaseExpiresAt ?? now) > now
            }
            if processes.isEmpty && held.isEmpty { return }
            usleep(100_000)
        } while Date() < deadline
        try #require(processes.isEmpty && held.isEmpty, "after 60 s processes \(processes) still run, jobs \(held) still leased")
    }

    /// Jobs in the order they were claimed (by the id of their first `job.claimed` event).
    func claimOrder(_ jobs: [Int64]) throws -> [Int64] {
        let registry = try registry()
        let firstClaim = try jobs.map { job in (job, try registry.events(jobID: job).first { $0.kind == .jobClaimed }?.id ?? .max) }
        return firstClaim.sorted { $0.1 < $1.1 }.map(\.0)
    }

    /// A selftest result's per-task checksums and its combined checksum.
    func selftestResult(_ job: Int64) throws -> (checksums: [Int64], combined: String) {
        let file = try ResultFile.read(path: dataDir.appendingPathComponent("store/results/job-\(job)/result.h5").path)
        guard case .int64(let checksums) = file.arrays["/selftest/checksums"]?.values,
              case .string(let combined) = file.attributes["selftest_combined_checksum"] else {
            throw MultiRankLauncher.LaunchError(reason: "job \(job) has no selftest result")
        }
        return (checksums, combined)
    }
}
