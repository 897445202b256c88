import Foundation
import GRDB
import Store
import Testing

/// The command line on a damaged, lost, newer or read-only registry: a clear message and exit code (70, with
/// `{"ok": false}` under --json), never a crash, and old results are never overwritten.
@Suite struct RegistryCLITests {
    /// A data directory with case `small-1` and one queued segment job (job 1).
    private func caseWithQueuedJob() throws -> CLIRunner {
        let cli = try CLIRunner()
        try CLITests.writeSmallCase(to: cli.path("small.h5"))
        try CLITests.segmentSpec.write(toFile: cli.path("seg.yaml"), atomically: true, encoding: .utf8)
        let added = try cli.run(["case", "add", cli.path("small.h5"), "--id", "small-1"])
        try #require(added.status == 0, "\(added.stderr)")
        let submitted = try cli.run(["submit", "small-1", cli.path("seg.yaml")])
        try #require(submitted.status == 0, "\(submitted.stderr)")
        return cli
    }

    /// Runs `sql` on the registry file directly, as an outside tool would.
    private func tamper(_ cli: CLIRunner, _ sql: String) throws {
        let queue = try DatabaseQueue(path: cli.dataDir.appendingPathComponent("registry.sqlite").path)
        try queue.write { db in
            try db.execute(sql: "PRAGMA ignore_check_constraints = ON")
            try db.execute(sql: sql)
        }
        try queue.close()
    }

    /// Requires exit code `status` with `{"ok": false}` on stdout and an error containing every part of `parts`.
    private func expectFailure(_ r: CLIRunner.Result, _ status: Int32, _ parts: [String], _ args: [String],
                               sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.status == status, "\(args): rc \(r.status), \(r.stderr)", sourceLocation: sourceLocation)
        let json = (try? r.json()) as? [String: Any]
        #expect(json?["ok"] as? Bool == false && json?["exit_code"] as? Int == Int(status), "\(args): \(r.stdout)", sourceLocation: sourceLocation)
        let message = json?["error"] as? String ?? ""
        for part in parts { #expect(message.contains(part), "\(args): \(message)", sourceLocation: sourceLocation) }
    }

    @Test func malformedRowValuesAreReportedNotCrashed() throws {
        let cli = try caseWithQueuedJob(); defer { cli.cleanUp() }
        try tamper(cli, "UPDATE jobs SET submitted_at = 'not-a-date' WHERE id = 1")
        let where_ = ["table jobs, row 1, column submitted_at", "not-a-date"]
        for args in [["list"], ["status", "1"], ["status"], ["events", "1"], ["case", "show", "small-1"],
                     ["results", "1", "--out", cli.path("out")], ["cancel", "1"]] {
            expectFailure(try cli.run(args + ["--json"]), 70, where_, args)
        }
        try tamper(cli, "UPDATE jobs SET submitted_at = '2026-11-29 10:00:00.000' WHERE id = 1")
        #expect(try cli.run(["status", "1", "--json"]).status == 0)
        try tamper(cli, "UPDATE cases SET nx = 'wide' WHERE id = 'small-1'")
        for args in [["case", "list"], ["case", "show", "small-1"], ["submit", "small-1", cli.path("seg.yaml")]] {
            expectFailure(try cli.run(args + ["--json"]), 70, ["table cases, row \"small-1\", column nx"], args)
        }
    }

    @Test func listOfAnUnknownCaseIsNotFound() throws {
        let cli = try caseWithQueuedJob(); defer { cli.cleanUp() }
        expectFailure(try cli.run(["list", "--case", "nosuch", "--json"]), 66, ["\"nosuch\"", "not in the registry"], ["list"])
        let known = try cli.run(["list", "--case", "small-1", "--json"])
        #expect(known.status == 0 && ((try? known.json()) as? [Any])?.count == 1, "\(known.stdout)")
    }

    @Test func aRegistryFromANewerVersionIsRefused() throws {
        let cli = try caseWithQueuedJob(); defer { cli.cleanUp() }
        try tamper(cli, "INSERT INTO grdb_migrations VALUES ('v99-from-the-future')")
        for args in [["list"], ["status", "1"], ["case", "list"], ["submit", "small-1", cli.path("seg.yaml")], ["cancel", "1"]] {
            expectFailure(try cli.run(args + ["--json"]), 70, ["\"v99-from-the-future\"", "newer version"], args)
        }
        let worker = try cli.run(["worker", "--drain", "--poll-ms", "20"])
        #expect(worker.status != 0 && worker.stderr.contains("v99-from-the-future"), "\(worker.status) \(worker.stderr)")
    }

    /// A lost (deleted) or truncated registry next to a store with cases and results is refused by every command;
    /// the old result is untouched.
    @Test func aLostOrEmptyRegistryIsNotReplacedByANewOne() throws {
        let cli = try caseWithQueuedJob(); defer { cli.cleanUp() }
        let drained = try cli.run(["worker", "--drain", "--poll-ms", "20"])
        try #require(drained.status == 0, "\(drained.stderr)")
        let result = cli.dataDir.appendingPathComponent("store/results/job-1/result.h5")
        let digest = try SHA256.hex(ofFile: result)
        let registry = cli.dataDir.appendingPathComponent("registry.sqlite").path
        for (state, damage) in [("missing", { () throws -> Void in
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: registry + suffix) }
        }), ("empty (0 bytes)", { () throws -> Void in
            #expect(FileManager.default.createFile(atPath: registry, contents: nil))
        })] {
            try damage()
            let parts = ["registry \(registry) is \(state)", "holds 1 case and 1 result", "move"]
            for args in [["case", "add", cli.path("small.h5"), "--id", "small-2"], ["list"], ["status", "1"],
                         ["submit", "small-1", cli.path("seg.yaml")], ["case", "list"], ["results", "1", "--out", cli.path("out")]] {
                expectFailure(try cli.run(args + ["--json"]), 70, parts, args)
            }
            let worker = try cli.run(["worker", "--drain", "--poll-ms", "20"])
            #expect(worker.status != 0 && worker.stderr.contains("is \(state)"), "\(worker.status) \(worker.stderr)")
            #expect((try? FileManager.default.attributesOfItem(atPath: registry)[.size] as? Int) ?? 0 == 0)
        }
        #expect(try SHA256.hex(ofFile: result) == digest)
        #expect(!FileManager.default.fileExists(atPath: cli.dataDir.appendingPathComponent("store/cases/small-2").path))
    }

    /// A registry restored from a copy older than the results: the job that gets an old job's id fails instead of
    /// writing over that job's result.
    @Test func aRestoredRegistryDoesNotOverwriteResultsOfReusedJobIDs() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        try CLITests.writeSmallCase(to: cli.path("small.h5"))
        try CLITests.segmentSpec.write(toFile: cli.path("seg.yaml"), atomically: true, encoding: .utf8)
        try #require(try cli.run(["case", "add", cli.path("small.h5"), "--id", "small-1"]).status == 0)
        let registry = cli.dataDir.appendingPathComponent("registry.sqlite")
        let backup = URL(fileURLWithPath: cli.path("backup.sqlite"))
        try #require(!FileManager.default.fileExists(atPath: registry.path + "-wal"), "the registry was not checkpointed on close")
        try FileManager.default.copyItem(at: registry, to: backup)

        try #require(try cli.run(["submit", "small-1", cli.path("seg.yaml")]).status == 0)
        try #require(try cli.run(["worker", "--drain", "--poll-ms", "20"]).status == 0)
        let result = cli.dataDir.appendingPathComponent("store/results/job-1/result.h5")
        let digest = try SHA256.hex(ofFile: result)

        try FileManager.default.removeItem(at: registry)
        try FileManager.default.copyItem(at: backup, to: registry)
        let again = try cli.run(["submit", "small-1", cli.path("seg.yaml"), "--json"])
        try #require(((try? again.json()) as? [String: Any])?["id"] as? Int == 1, "\(again.stdout)")
        let worker = try cli.run(["worker", "--drain", "--poll-ms", "20", "--json"])
        #expect(worker.status == 1, "the drain failed a job: \(worker.stderr)")
        #expect(((try? worker.json()) as? [String: Any])?["failed"] as? Int == 1, "\(worker.stdout)")
        let status = try #require(try cli.run(["status", "1", "--json"]).json() as? [String: Any])
        #expect(status["state"] as? String == "failed")
        let error = status["error"] as? String ?? ""
        #expect(error.contains("store/results/job-1 already holds result.h5 from another job numbered 1") && error.contains("move it away"), "\(error)")
        #expect(try SHA256.hex(ofFile: result) == digest)
    }

    /// An immutable registry file (`chattr +i`; what a user with read access only also meets): the commands that
    /// show work, the ones that change say the registry is read-only.
    @Test func anImmutableRegistryServesReadsAndRefusesWrites() throws {
        let cli = try caseWithQueuedJob(); defer { cli.cleanUp() }
        let registry = cli.dataDir.appendingPathComponent("registry.sqlite").path
        func chattr(_ flag: String) throws -> Int32 {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/chattr")
            p.arguments = [flag, registry]
            p.standardError = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            return p.terminationStatus
        }
        try #require(try chattr("+i") == 0, "chattr +i is not available here (needs CAP_LINUX_IMMUTABLE and ext4/xfs/tmpfs)")
        defer { _ = try? chattr("-i") }
        for args in [["list"], ["status"], ["status", "1"], ["events", "1"], ["case", "list"], ["case", "show", "small-1"],
                     ["list", "--case", "small-1"]] {
            let r = try cli.run(args + ["--json"])
            #expect(r.status == 0, "\(args): \(r.status) \(r.stderr)")
        }
        #expect(try cli.run(["results", "1", "--out", cli.path("out"), "--json"]).status == 66)  // queued: no results yet
        for args in [["submit", "small-1", cli.path("seg.yaml")], ["cancel", "1"]] {
            expectFailure(try cli.run(args + ["--json"]), 70, ["registry database \(registry) is read-only"], args)
        }
        #expect(try chattr("-i") == 0)
        #expect(try cli.run(["cancel", "1"]).status == 0)
    }
    /// A user who may read the data directory but not write it (root runs as `nobody`; others lose write access to
    /// the directory), on a cleanly closed registry (no -wal/-shm to reuse): the commands that show work, the others
    /// say the registry is read-only.
    @Test func aReaderWithoutWriteAccessCanShowButNotChange() throws {
        let cli = try caseWithQueuedJob(); defer { cli.cleanUp() }
        let home = cli.dataDir.path
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: home + "/registry.sqlite" + suffix) }
        let asRoot = getuid() == 0
        if asRoot {
            try #require(FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser"), "runuser is needed to drop root")
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: cli.work.path)
        } else {
            try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: home)
        }
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: home) }
        func run(_ args: [String]) throws -> CLIRunner.Result {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: asRoot ? "/usr/sbin/runuser" : "/usr/bin/env")
            p.arguments = (asRoot ? ["-u", "nobody", "--", "env"] : []) + ["RTCLUSTER_HOME=\(home)", "SWIFT_BACKTRACE=enable=no", CLIRunner.binary.path] + args
            return try CLIRunner.capture(p, in: cli.work)
        }
        for args in [["list"], ["status"], ["status", "1"], ["events", "1"], ["case", "list"], ["case", "show", "small-1"]] {
            let r = try run(args + ["--json"])
            #expect(r.status == 0, "\(args): \(r.status) \(r.stderr)")
        }
        let shown = try run(["status", "1", "--json"])
        #expect(((try? shown.json()) as? [String: Any])?["state"] as? String == "queued", "\(shown.stdout)")
        for args in [["submit", "small-1", cli.path("seg.yaml")], ["cancel", "1"]] {
            expectFailure(try run(args + ["--json"]), 70, ["registry database \(home)/registry.sqlite is read-only"], args)
        }
        #expect(try cli.run(["status", "1", "--json"]).status == 0)
    }
}
