import Foundation
import Store
import Testing

/// The store's case files are what the registry recorded: a job on a case file changed after `case add` fails with
/// both digests, a job on an unchanged one records the digest in its result, and `phantom --out` cannot write there.
@Suite struct CaseIntegrityTests {
    @Test func changedCaseFileFailsItsJobAndResultsRecordTheDigest() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        try CLITests.writeSmallCase(to: cli.path("small.h5"))
        #expect(try cli.run(["case", "add", cli.path("small.h5"), "--id", "kept"]).status == 0)
        #expect(try cli.run(["case", "add", cli.path("small.h5"), "--id", "changed"]).status == 0)
        let stored = cli.dataDir.appendingPathComponent("store/cases/changed/case.h5")
        let before = try Data(contentsOf: stored)

        let refused = try cli.run(["phantom", "water", "--size", "16x16x8", "--out", stored.path])
        #expect(refused.status == 65 && refused.stderr.contains("inside the data directory"), "\(refused.stderr)")
        #expect(try Data(contentsOf: stored) == before)

        // Changed by hand: one byte appended.
        let handle = try FileHandle(forWritingTo: stored)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data([0]))
        try handle.close()
        let spec = cli.path("selftest.yaml")
        try "kind: selftest\ntasks: 4\nslices_per_task: 1\ncompute_iterations: 1\n".write(toFile: spec, atomically: true, encoding: .utf8)
        #expect(try cli.run(["submit", "kept", spec]).status == 0)
        #expect(try cli.run(["submit", "changed", spec]).status == 0)
        #expect(try cli.run(["worker", "--drain", "--poll-ms", "20"]).status == 1, "the drain failed the changed case's job")

        let kept = try #require(try cli.run(["status", "1", "--json"]).json() as? [String: Any])
        #expect(kept["state"] as? String == "succeeded", "\(kept)")
        let show = try #require((try cli.run(["case", "show", "kept", "--json"]).json() as? [String: Any])?["case"] as? [String: Any])
        let result = try ResultFile.read(path: cli.dataDir.appendingPathComponent("store/results/job-1/result.h5").path)
        #expect(result.attributes["case_sha256"] == .string(try #require(show["sha256"] as? String)))

        let changed = try #require(try cli.run(["status", "2", "--json"]).json() as? [String: Any])
        #expect(changed["state"] as? String == "failed", "\(changed)")
        let error = try #require(changed["error"] as? String)
        let digest = try SHA256.hex(ofFile: stored)
        #expect(error.contains("has changed since it was added") && error.contains(digest), "\(error)")
        #expect(!FileManager.default.fileExists(atPath: cli.dataDir.appendingPathComponent("store/results/job-2").path))
    }
}
