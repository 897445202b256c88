import Core
import Foundation
import Registry
import Store
import Testing

/// `rtcluster results` checks what it exports: the result file against the digest the registry recorded, the file's
/// job attributes against the registry's job, and the case file against the registry's and the result's digests.
@Suite struct ResultsIntegrityTests {
    /// Job 1 run by `worker` (a segment job on case c1), then job 2 finished by hand without a recorded digest.
    @Test func resultsRefusesChangedOrForeignFiles() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        try ResultsBundleTests.caseWithJob(cli)
        #expect(try cli.run(["worker", "--drain", "--poll-ms", "20"]).status == 0)
        let status = try #require(try cli.run(["status", "1", "--json"]).json() as? [String: Any])
        let stored = cli.dataDir.appendingPathComponent("store/results/job-1/result.h5")
        let original = try Data(contentsOf: stored)
        #expect(status["result_sha256"] as? String == SHA256.hex(of: original), "\(status)")
        #expect(try cli.run(["results", "1", "--out", cli.path("b1")]).status == 0)

        // (c) The result file modified after the job finished.
        var changed = original
        changed.append(0)
        try changed.write(to: stored)
        let modified = try cli.run(["results", "1", "--out", cli.path("b2")])
        #expect(modified.status == 65 && modified.stderr.contains("result file changed since the job finished"), "\(modified.stderr)")
        #expect(modified.stderr.contains(SHA256.hex(of: original)) && modified.stderr.contains(SHA256.hex(of: changed)))
        #expect(!FileManager.default.fileExists(atPath: cli.path("b2")))
        try original.write(to: stored)

        // (b) Another job's result (or one of another case) in job 2's directory; job 2 has no recorded digest.
        let registry = try Registry(path: cli.dataDir.appendingPathComponent("registry.sqlite").path)
        let two = try registry.submitJob(caseID: "c1", kind: "segment", specText: "kind: segment\n")
        _ = try #require(try registry.claimNextJob(owner: "test", leaseSeconds: 60))
        let relative = "store/results/job-2/result.h5"
        try FileManager.default.createDirectory(at: cli.dataDir.appendingPathComponent("store/results/job-2"), withIntermediateDirectories: true)
        _ = try registry.markSucceeded(jobID: 2, owner: "test", resultPath: relative)
        let caseDigest = try registry.caseRecord(id: "c1").sha256
        func result(jobID: Int, kind: String, caseSHA256: String) throws {
            try ResultFile(attributes: ["job_id": .int(jobID), "kind": .string(kind), "case_sha256": .string(caseSHA256),
                                        "job_submitted_at": .double(two.submittedAt.timeIntervalSince1970)])
                .write(to: cli.dataDir.appendingPathComponent(relative).path)
        }
        for (jobID, kind, digest, says) in [(5, "segment", caseDigest, "job_id is 5"), (2, "plan", caseDigest, "kind is \"plan\""),
                                            (2, "segment", String(repeating: "0", count: 64), "computed on a case file with SHA-256 \"000")] {
            try result(jobID: jobID, kind: kind, caseSHA256: digest)
            let foreign = try cli.run(["results", "2", "--out", cli.path("b3")])
            #expect(foreign.status == 65 && foreign.stderr.contains(says), "\(foreign.stderr)")
        }
        try result(jobID: 2, kind: "segment", caseSHA256: caseDigest)
        let own = try cli.run(["results", "2", "--out", cli.path("b3")])
        #expect(own.status == 0, "\(own.stderr)")

        // (a) The case file replaced after the job (another phantom): refused with both digests.
        #expect(try cli.run(["phantom", "thorax", "--out", cli.path("other.h5"), "--size", "small", "--seed", "99"]).status == 0)
        let caseURL = cli.dataDir.appendingPathComponent(try registry.caseRecord(id: "c1").casePath)
        try FileManager.default.removeItem(at: caseURL)
        try FileManager.default.copyItem(atPath: cli.path("other.h5"), toPath: caseURL.path)
        let replaced = try cli.run(["results", "1", "--out", cli.path("b4")])
        let otherDigest = try SHA256.hex(ofFile: caseURL)
        #expect(replaced.status == 65 && replaced.stderr.contains(caseDigest) && replaced.stderr.contains(otherDigest), "\(replaced.stderr)")
        #expect(!FileManager.default.fileExists(atPath: cli.path("b4")))
    }

    /// Job 1 of case c1 finished by hand (no recorded digest) with the result `file`.
    static func finishedByHand(_ cli: CLIRunner, _ file: ResultFile) throws {
        try ResultsBundleTests.caseWithJob(cli)
        let registry = try Registry(path: cli.dataDir.appendingPathComponent("registry.sqlite").path)
        _ = try #require(try registry.claimNextJob(owner: "test", leaseSeconds: 60))
        let relative = "store/results/job-1/result.h5"
        try FileManager.default.createDirectory(at: cli.dataDir.appendingPathComponent("store/results/job-1"), withIntermediateDirectories: true)
        try file.write(to: cli.dataDir.appendingPathComponent(relative).path)
        _ = try registry.markSucceeded(jobID: 1, owner: "test", resultPath: relative)
    }

    /// Structure names in a result follow Core's rule: a mask or DVH table named outside it is refused up front (65),
    /// before anything is written.
    @Test func resultStructureNamesAreCheckedBeforeAnyOutput() throws {
        for (name, dvh) in [("body ", false), ("ptv\\2", true)] {
            let cli = try CLIRunner(); defer { cli.cleanUp() }
            let grid = try Grid(nx: 4, ny: 4, nz: 2, spacingMM: [2, 2, 2], originMM: [0, 0, 0])
            var mask = MaskVolume(grid: grid)
            mask[1, 1, 1] = 1
            let table = try ResultArray(shape: [2, 2], values: .float64([0, 100, 10, 0]))
            try Self.finishedByHand(cli, dvh ? ResultFile(arrays: ["/dvh/" + name: table]) : ResultFile(segmentation: [name: mask]))
            let r = try cli.run(["results", "1", "--out", cli.path("bundle"), "--dicom"])
            #expect(r.status == 65 && r.stderr.contains(StructureName.shown(name)), "\(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: cli.path("bundle")))
            #expect(try FileManager.default.contentsOfDirectory(atPath: cli.work.path).allSatisfy { !$0.hasPrefix(".rtc-") })
        }
    }

    /// A case file missing from the store is not found (66), like a missing result file.
    @Test func missingCaseFileIsNotFound() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        try Self.finishedByHand(cli, ResultFile())
        let registry = try Registry(path: cli.dataDir.appendingPathComponent("registry.sqlite").path, readOnly: true)
        try FileManager.default.removeItem(at: cli.dataDir.appendingPathComponent(try registry.caseRecord(id: "c1").casePath))
        let r = try cli.run(["results", "1", "--out", cli.path("bundle")])
        #expect(r.status == 66 && r.stderr.contains("is missing from the store"), "\(r.stderr)")
    }
}
