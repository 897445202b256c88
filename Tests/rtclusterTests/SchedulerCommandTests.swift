import Foundation
import Registry
import Synchronization
import Testing

/// `rtcluster worker` in one process (no mpirun) and `rtcluster run --dry-run`.
@Suite struct SchedulerCommandTests {
    @Test func workerAndRunHaveHelpWithExamples() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        for command in ["worker", "run"] {
            let r = try cli.run([command, "--help"])
            #expect(r.status == 0)
            #expect(r.stdout.contains("Example"), "\(command) --help has no example")
        }
    }

    /// `run --drain` / `worker --drain` exit 1 when a job they processed failed (the failing side is in
    /// workerDrainsInOneProcessAndFailsBadJobsCleanly), 0 when every job succeeded or was cancelled; the help says so.
    @Test func drainExitsZeroWhenJobsSucceedOrWereCancelled() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        for command in ["worker", "run"] {
            let help = try cli.run([command, "--help"]).stdout.replacingOccurrences(of: "\n", with: " ")
                .split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            #expect(help.contains("1 when any of them failed"), "\(command) --help: \(help)")
        }
        #expect(try cli.run(["phantom", "thorax", "--out", cli.path("ct.h5"), "--size", "small"]).status == 0)
        #expect(try cli.run(["case", "add", cli.path("ct.h5"), "--id", "c1"]).status == 0)
        try "kind: selftest\ntasks: 2\n".write(toFile: cli.path("selftest.yaml"), atomically: true, encoding: .utf8)
        for _ in 0..<2 { try #require(try cli.run(["submit", "c1", cli.path("selftest.yaml")]).status == 0) }
        try #require(try cli.run(["cancel", "2"]).status == 0)
        let r = try cli.run(["worker", "--drain", "--poll-ms", "20", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let report = try #require(try r.json() as? [String: Any])
        #expect(report["ok"] as? Bool == true && report["succeeded"] as? Int == 1 && report["failed"] as? Int == 0, "\(report)")
    }

    /// `worker --drain` with a job held under another owner's lease longer than --drain-wait-seconds: exit 1, JSON
    /// ok false with "held": 1, a notice naming job, owner and expiry on stderr; `run --help` documents the wait.
    @Test func drainWithAJobHeldElsewhereExitsOneAfterItsWait() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        let help = try cli.run(["run", "--help"]).stdout.replacingOccurrences(of: "\n", with: " ")
            .split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        #expect(help.contains("--drain waits for them") && help.contains("--drain-wait-seconds"), "\(help)")
        #expect(try cli.run(["phantom", "thorax", "--out", cli.path("ct.h5"), "--size", "small"]).status == 0)
        #expect(try cli.run(["case", "add", cli.path("ct.h5"), "--id", "c1"]).status == 0)
        try "kind: selftest\ntasks: 2\n".write(toFile: cli.path("selftest.yaml"), atomically: true, encoding: .utf8)
        try #require(try cli.run(["submit", "c1", cli.path("selftest.yaml")]).status == 0)
        let registry = try Registry(path: cli.dataDir.appendingPathComponent("registry.sqlite").path)
        _ = try #require(try registry.claimNextJob(owner: "run-elsewhere-1", leaseSeconds: 120))
        let r = try cli.run(["worker", "--drain", "--poll-ms", "20", "--drain-wait-seconds", "0.3", "--json"])
        #expect(r.status == 1, "\(r.stderr)")
        let report = try #require(try r.json() as? [String: Any])
        #expect(report["ok"] as? Bool == false && report["held"] as? Int == 1 && report["claimed"] as? Int == 0, "\(report)")
        #expect(r.stderr.contains("held by owner run-elsewhere-1 until") && r.stderr.contains("waiting"), "\(r.stderr)")
        #expect(try cli.run(["worker", "--drain-wait-seconds", "-1"]).status == 64)
    }

    /// A job cancelled while the worker runs it (claimed, then dropped) leaves the drain at 0 with "ok": true; the
    /// other job still succeeds. The selftest is made long (minutes in a debug build) so that the cancel lands mid-run
    /// however slowly the `cancel` child starts; the drain stops at the cancel, so that costs no time.
    @Test func drainExitsZeroWhenARunningJobIsCancelled() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        #expect(try cli.run(["phantom", "thorax", "--out", cli.path("ct.h5"), "--size", "small"]).status == 0)
        #expect(try cli.run(["case", "add", cli.path("ct.h5"), "--id", "c1"]).status == 0)
        try "kind: selftest\ntasks: 4000\ncompute_iterations: 2000\n".write(toFile: cli.path("long.yaml"), atomically: true, encoding: .utf8)
        try "kind: selftest\ntasks: 2\n".write(toFile: cli.path("short.yaml"), atomically: true, encoding: .utf8)
        try #require(try cli.run(["submit", "c1", cli.path("long.yaml"), "--priority", "1000"]).status == 0)
        try #require(try cli.run(["submit", "c1", cli.path("short.yaml")]).status == 0)
        let worker = cli.process(["worker", "--drain", "--poll-ms", "20", "--json"])
        let finished = DispatchGroup()
        let drained = Mutex<CLIRunner.Result?>(nil)
        DispatchQueue.global().async(group: finished) {
            let result = try? CLIRunner.capture(worker, in: cli.work)
            drained.withLock { $0 = result }
        }
        // A test that stops early kills the worker (also one that starts after this point).
        defer { while finished.wait(timeout: .now() + 0.1) == .timedOut { CLIRunner.stop(worker) } }
        // Wait (at most 60 s) until the worker has claimed job 1, read in this process, then cancel it.
        let registry = try Registry(path: cli.dataDir.appendingPathComponent("registry.sqlite").path)
        let deadline = Date().addingTimeInterval(60)
        var state = try registry.job(id: 1).state
        while state != .running && Date() < deadline {
            usleep(20_000)
            state = try registry.job(id: 1).state
        }
        try #require(state == .running, "job 1 never ran (state \(state))")
        #expect(try cli.run(["cancel", "1"]).status == 0)
        #expect(finished.wait(timeout: .now() + 120) == .success, "the drain did not end within 120 s of the cancel")
        let r = try #require(drained.withLock { $0 })
        #expect(r.status == 0, "\(r.stderr)")
        let report = try #require(try r.json() as? [String: Any])
        #expect(report["ok"] as? Bool == true && report["succeeded"] as? Int == 1 && report["failed"] as? Int == 0
                && report["dropped"] as? Int == 1, "\(report)")
        let status = try #require(try cli.run(["status", "1", "--json"]).json() as? [String: Any])
        #expect(status["state"] as? String == "cancelled", "\(status)")
    }

    @Test func runBuildsTheMpirunCommandForThisMachine() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        let hostfile = cli.path("hosts")
        try "localhost slots=2\n".write(toFile: hostfile, atomically: true, encoding: .utf8)
        let r = try cli.run(["run", "-n", "3", "--serve", "--hostfile", hostfile, "--timeout", "90", "--lease-seconds", "5", "--dry-run"])
        guard r.status == 0 else {
            // Without mpirun the command says so and exits 66.
            #expect(r.status == 66 && r.stderr.contains("mpirun not found"), "\(r.stderr)")
            return
        }
        let line = try #require(r.stdout.split(separator: "\n").last.map(String.init))
        for part in ["--oversubscribe", "--bind-to none", "--timeout 90", "-x SWIFT_BACKTRACE=enable=no", "-x OPENBLAS_NUM_THREADS=1",
                     "--hostfile \(hostfile)", "-n 3", "worker --serve --data-dir \(cli.dataDir.path)", "--lease-seconds 5.0"] {
            #expect(line.contains(part), "missing \(part) in \(line)")
        }
        #expect(r.stdout.contains("OMPI_ALLOW_RUN_AS_ROOT=1"))
        #expect(try cli.run(["run", "-n", "0"]).status == 64)
        #expect(try cli.run(["run", "-n", "2", "--hostfile", cli.path("missing")]).status == 64)
    }

    /// `run --dry-run` prints a command sh reads back as the same argv as `--dry-run --json` (a data directory
    /// with a space, a quote and a `$` is quoted; a plain word is not).
    @Test func runDryRunQuotesArgumentsForTheShell() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        let dataDir = cli.path("data dir 'q' $HOME")
        let text = try cli.run(["run", "-n", "2", "--data-dir", dataDir, "--dry-run"])
        guard text.status == 0 else {
            #expect(text.status == 66 && text.stderr.contains("mpirun not found"), "\(text.stderr)")
            return
        }
        let json = try cli.run(["run", "-n", "2", "--data-dir", dataDir, "--dry-run", "--json"])
        // The JSON form's worker gets --json as well: the text form's argv is the same without it.
        let jsonArgv = try #require((try json.json() as? [String: Any])?["argv"] as? [String])
        #expect(jsonArgv.last == "--json")
        let argv = Array(jsonArgv.dropLast())
        #expect(argv.contains(dataDir))
        let line = try #require(text.stdout.split(separator: "\n").last.map(String.init))
        #expect(line.contains(" -n 2 "), "plain words stay unquoted: \(line)")
        let sh = Process()
        sh.executableURL = URL(fileURLWithPath: "/bin/sh")
        // The line is parsed by sh as the argument list of the loop above.
        sh.arguments = ["-c", "set -- \(line); for a in \"$@\"; do printf '%s\\n' \"$a\"; done"]
        let output = try CLIRunner.capture(sh, in: cli.work).stdout
        #expect(output.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) == argv, "\(line)")
    }

    @Test func workerDrainsInOneProcessAndFailsBadJobsCleanly() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        #expect(try cli.run(["phantom", "thorax", "--out", cli.path("ct.h5"), "--size", "small"]).status == 0)
        #expect(try cli.run(["case", "add", cli.path("ct.h5"), "--id", "c1", "--site", "s1"]).status == 0)
        #expect(try cli.run(["case", "add", cli.path("ct.h5"), "--id", "c2", "--site", "s1"]).status == 0)
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        // A job on a case whose stored file changes after submit: valid at submit, fails when it starts.
        try "kind: selftest\ntasks: 2\n".write(toFile: cli.path("selftest.yaml"), atomically: true, encoding: .utf8)
        let submitted = try cli.run(["submit", "c2", cli.path("selftest.yaml")])
        try #require(submitted.status == 0, "\(submitted.stderr)")
        #expect(try cli.run(["submit", "c1", repository.appendingPathComponent("jobs/segment.yaml").path]).status == 0)
        let stored = try FileHandle(forWritingTo: cli.dataDir.appendingPathComponent("store/cases/c2/case.h5"))
        try stored.seekToEnd()
        try stored.write(contentsOf: Data([1]))
        try stored.close()
        let r = try cli.run(["worker", "--drain", "--poll-ms", "20", "--json"])
        // A drained queue with a failed job exits 1 (a failed check), the report says so with "ok": false.
        #expect(r.status == 1, "\(r.stderr)")
        let report = try #require(try r.json() as? [String: Any])
        #expect(report["failed"] as? Int == 1 && report["succeeded"] as? Int == 1 && report["ranks"] as? Int == 1)
        #expect(report["ok"] as? Bool == false, "\(report)")
        let status = try #require(try cli.run(["status", "1", "--json"]).json() as? [String: Any])
        #expect(status["state"] as? String == "failed")
        let error = try #require(status["error"] as? String)
        #expect(error.hasPrefix("case c2: its file ") && error.contains("has changed since it was added"), "\(error)")
        #expect(r.stderr.contains("rank=0 job=1 task=- job failed: \(error)"))
        // The segment job's result can be copied out, also over an earlier copy.
        for _ in 0..<2 {
            let copy = try cli.run(["results", "2", "--out", cli.path("out")])
            #expect(copy.status == 0, "\(copy.stderr)")
        }
        #expect(FileManager.default.fileExists(atPath: cli.path("out/result.h5")))
    }
}
