import Foundation
import GRDB
@testable import Registry

/// A fixed reference time in whole seconds (dates are stored with millisecond precision).
let t0 = Date(timeIntervalSince1970: 1_750_000_000)

/// A fresh empty directory under the system temporary directory.
func makeScratchDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("registry-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Runs `body` with a registry in a new scratch directory, then removes the directory.
func withScratchRegistry<T>(_ body: (Registry, String) throws -> T) throws -> T {
    let directory = try makeScratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("registry.sqlite").path
    return try body(try Registry(path: path), path)
}

/// A valid case record.
func sampleCase(id: String = "lung-001", site: String = "site-a", created: Date = t0) -> CaseRecord {
    CaseRecord(id: id, site: site, created: created, casePath: "cases/\(id).h5", sha256: String(repeating: "ab", count: 32),
               nx: 64, ny: 48, nz: 32, spacingMM: SIMD3(0.9765625, 0.9765625, 2.5), structures: ["body", "lung_left"])
}

/// Row counts of the three tables, read through the registry's own pool.
func rowCounts(_ registry: Registry) throws -> [String: Int] {
    try registry.read { db in
        var counts: [String: Int] = [:]
        for table in ["cases", "jobs", "events"] {
            counts[table] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)")
        }
        return counts
    }
}

/// Claims job `id` specifically by excluding every other job.
func claim(_ registry: Registry, _ id: Int64, owner: String = "w1", leaseSeconds: Double = 60, now: Date = t0) throws -> JobRecord? {
    let others = try registry.jobs(limit: 100_000).map(\.id).filter { $0 != id }
    return try registry.claimNextJob(owner: owner, leaseSeconds: leaseSeconds, now: now, excluding: Set(others))
}

/// A job of case `caseID` brought to `state` through the public operations.
func job(in state: JobState, _ registry: Registry, caseID: String = "lung-001", maxAttempts: Int = 3) throws -> JobRecord {
    let queued = try registry.submitJob(caseID: caseID, kind: "plan", specText: "kind: plan\n", maxAttempts: maxAttempts, now: t0)
    switch state {
    case .queued:
        return queued
    case .cancelled:
        return try registry.cancel(jobID: queued.id, now: t0)
    case .running, .succeeded, .failed:
        guard let running = try claim(registry, queued.id) else { throw RegistryError.jobNotFound(queued.id) }
        if state == .succeeded { return try registry.markSucceeded(jobID: running.id, owner: "w1", resultPath: "results/\(running.id).h5", now: t0) }
        if state == .failed { return try registry.markFailed(jobID: running.id, owner: "w1", error: "dose kernel diverged", now: t0) }
        return running
    }
}
