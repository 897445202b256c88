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

/// `run` checks what it passes to `worker` before mpirun starts, so a bad option gives one error, not one per rank.
@Suite struct RunOptionTests {
    @Test func workerOptionsAreCheckedBeforeMpirunStarts() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        let bad: [([String], String)] = [
            (["--poll-ms", "0"], "--poll-ms must be between 1 and 1000"),
            (["--lease-seconds", "0"], "--lease-seconds must be between 0.1 and 604800"),
            (["--max-jobs", "65"], "--max-jobs must be between 1 and 64"),
            (["--log-level", "bogus"], "'bogus' is invalid for '--log-level"),
        ]
        for (options, message) in bad {
            // Not a dry run: without the check mpirun would start both ranks.
            let r = try cli.run(["run", "-n", "2", "--json"] + options)
            #expect(r.status == 64, "\(options): \(r.stderr)")
            #expect(r.stderr.contains(message), "\(options): \(r.stderr)")
            // Exactly one JSON document (JSONSerialization rejects trailing data).
            let report = try #require(try r.json() as? [String: Any], "\(options): \(r.stdout)")
            #expect(report["ok"] as? Bool == false && report["exit_code"] as? Int == 64)
            #expect(!FileManager.default.fileExists(atPath: cli.dataDir.path), "\(options) created the data directory")
        }
    }

    /// `--dry-run --json` prints the argv as JSON; the options are still checked.
    @Test func dryRunPrintsTheArgvAsJSON() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        let r = try cli.run(["run", "-n", "2", "--dry-run", "--json", "--poll-ms", "20", "--log-level", "debug"])
        guard r.status == 0 else {
            // Without mpirun the command says so and exits 66.
            #expect(r.status == 66 && r.stderr.contains("mpirun not found"), "\(r.stderr)")
            return
        }
        let report = try #require(try r.json() as? [String: Any], "\(r.stdout)")
        let argv = try #require(report["argv"] as? [String])
        #expect(argv.first?.hasSuffix("/mpirun") == true)
        let worker = try #require(argv.firstIndex(of: "worker"))
        #expect(Array(argv[(worker + 1)...]) == ["--drain", "--data-dir", cli.dataDir.path, "--poll-ms", "20", "--log-level", "debug", "--json"])
        #expect(Array(argv[(worker - 3)..<worker].prefix(2)) == ["-n", "2"])
        #expect((report["set"] as? [String: String])?["OMPI_ALLOW_RUN_AS_ROOT"] == "1")
        #expect(report["unset_prefixes"] as? [String] == ["OMPI_", "PMIX_", "OPAL_"])
        #expect(try cli.run(["run", "-n", "2", "--dry-run", "--json", "--poll-ms", "5000"]).status == 64)
    }
}

/// `status --watch` into a file or pipe: every refresh reaches the file at once, without terminal escape codes.
@Suite struct StatusWatchTests {
    @Test func watchIntoAFileWritesEachRefresh() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        try CLITests.writeSmallCase(to: cli.path("small.h5"))
        try #require(try cli.run(["case", "add", cli.path("small.h5"), "--id", "small"]).status == 0)
        let p = Process()
        p.executableURL = CLIRunner.binary
        p.arguments = ["status", "--watch", "--interval", "2", "--data-dir", cli.dataDir.path]
        let outURL = cli.work.appendingPathComponent("watch.txt")
        try #require(FileManager.default.createFile(atPath: outURL.path, contents: nil))
        let out = try FileHandle(forWritingTo: outURL)
        defer { try? out.close() }
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        defer { CLIRunner.stop(p) }
        // Up to 60 s for two refreshes (a loaded machine starts the debug binary slowly). Without a flush per refresh
        // nothing reaches the file in that time: 30 refreshes of about 80 bytes stay inside stdout's 4 KiB buffer.
        var text = ""
        for _ in 0..<600 where text.components(separatedBy: "queued 0").count < 3 {
            usleep(100_000)
            text = String(decoding: try Data(contentsOf: outURL), as: UTF8.self)
        }
        // SIGKILL, not SIGINT: the child inherits the test process's blocked signals. Output still held in a stdio
        // buffer would be lost either way, so the file shows what each refresh flushed.
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        text = String(decoding: try Data(contentsOf: outURL), as: UTF8.self)
        #expect(text.components(separatedBy: "queued 0").count >= 3, "fewer than two refreshes in the file: \(text.debugDescription)")
        #expect(!text.contains("\u{1B}"), "escape codes in a file: \(text.debugDescription)")
    }
}

/// File-system mistakes in the paths a user gives: a plain message with that path and the system's reason, exit 65.
@Suite struct PathMistakeTests {
    static func expectPlain(_ r: CLIRunner.Result, _ fragments: [String], _ label: String) {
        #expect(r.status == 65, "\(label): \(r.stderr)")
        for fragment in fragments { #expect(r.stderr.contains(fragment), "\(label): \(r.stderr)") }
        #expect(!r.stderr.contains("NSCocoaErrorDomain") && !r.stderr.contains(".tmp-"), "\(label): \(r.stderr)")
    }

    @Test func dataDirectoryThatCannotBeCreated() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        try CLITests.writeSmallCase(to: cli.path("small.h5"))
        let file = cli.path("afile")
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        for dataDir in [file, file + "/sub/data"] {
            let r = try cli.run(["case", "add", cli.path("small.h5"), "--id", "a", "--data-dir", dataDir, "--json"])
            Self.expectPlain(r, ["cannot create the data directory \(dataDir)", "\(file) exists and is not a directory"], dataDir)
            #expect((try r.json() as? [String: Any])?["exit_code"] as? Int == 65)
        }
        // /proc accepts no new directories (ENOENT), whoever runs the test.
        if FileManager.default.fileExists(atPath: "/proc/self") {
            let r = try cli.run(["case", "add", cli.path("small.h5"), "--id", "a", "--data-dir", "/proc/rtcluster-no-such-dir"])
            Self.expectPlain(r, ["cannot create the data directory /proc/rtcluster-no-such-dir: No such file or directory"], "/proc")
        }
        let run = try cli.run(["run", "-n", "1", "--data-dir", file])
        Self.expectPlain(run, ["cannot create the data directory \(file)"], "run")
    }

    @Test func bundleDirectoryThatCannotBeCreated() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        try CLITests.writeSmallCase(to: cli.path("small.h5"))
        try #require(try cli.run(["case", "add", cli.path("small.h5"), "--id", "small"]).status == 0)
        try CLITests.segmentSpec.write(toFile: cli.path("seg.yaml"), atomically: true, encoding: .utf8)
        try #require(try cli.run(["submit", "small", cli.path("seg.yaml")]).status == 0)
        try #require(try cli.run(["worker", "--drain", "--poll-ms", "20"]).status == 0)
        let file = cli.path("afile")
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        let under = try cli.run(["results", "1", "--out", file + "/bundle"])
        Self.expectPlain(under, ["cannot write the bundle to --out \(file)/bundle", "\(file) exists and is not a directory"], "under a file")
        if FileManager.default.fileExists(atPath: "/proc/self") {
            let proc = try cli.run(["results", "1", "--out", "/proc/rtcluster-bundle", "--json"])
            Self.expectPlain(proc, ["cannot write the bundle to --out /proc/rtcluster-bundle: No such file or directory"], "/proc")
            #expect((try proc.json() as? [String: Any])?["exit_code"] as? Int == 65)
        }
    }

    /// An output file's missing folders are made (as for a bundle); a folder that cannot be made is named with the
    /// path as given, not the writer's temporary file.
    @Test func outputFileWhoseFolderIsMissingOrBlocked() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        let made = try cli.run(["phantom", "water", "--size", "16x16x8", "--out", cli.path("new/folder/w.h5")])
        #expect(made.status == 0 && FileManager.default.fileExists(atPath: cli.path("new/folder/w.h5")), "\(made.stderr)")
        let file = cli.path("afile")
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        let phantom = try cli.run(["phantom", "water", "--size", "16x16x8", "--out", file + "/sub/w.h5"])
        Self.expectPlain(phantom, ["cannot write --out \(file)/sub/w.h5", "\(file) exists and is not a directory"], "phantom")
        // A dose grid compared with itself: the map goes under the blocked path.
        let dose = cli.path("dose.h5")
        try CompareDoseTests.write(try CompareDoseTests.gaussianDose(centreXMM: 0), to: dose)
        let compared = try cli.run(["compare-dose", dose, dose, "--gamma-map", file + "/g.h5"])
        Self.expectPlain(compared, ["cannot write --gamma-map \(file)/g.h5", "\(file) exists and is not a directory"], "gamma map")
    }
}
