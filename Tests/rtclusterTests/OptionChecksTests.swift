import Foundation
import Testing

/// Options and paths checked before any work starts: one error with the documented exit code, never a half-done run.
@Suite struct OptionChecksTests {
    /// `--data-dir ""` would make the current directory the data directory: a usage error that creates nothing.
    @Test func emptyDataDirIsAUsageError() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        try CLITests.writeSmallCase(to: cli.path("small.h5"))
        let cwd = cli.work.appendingPathComponent("cwd")
        try FileManager.default.createDirectory(at: cwd, withIntermediateDirectories: false)
        let r = try cli.run(["case", "add", cli.path("small.h5"), "--id", "a", "--data-dir", "", "--json"], in: cwd)
        #expect(r.status == 64, "\(r.stdout) \(r.stderr)")
        #expect(r.stderr.contains("--data-dir must not be empty"), "\(r.stderr)")
        #expect((try r.json() as? [String: Any])?["exit_code"] as? Int == 64)
        #expect(try FileManager.default.contentsOfDirectory(atPath: cwd.path).isEmpty)
        #expect(try cli.run(["list", "--data-dir", ""], in: cwd).status == 64)
    }
}
