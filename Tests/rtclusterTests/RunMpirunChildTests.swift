import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `rtcluster run` with a stand-in `mpirun` (a shell script first in PATH): how it reports a world that failed,
/// passes the coordinator's report and code on, forwards signals and takes mpirun down when it dies.
@Suite struct RunMpirunChildTests {
    /// A directory holding an executable `mpirun` with `body` (sh), and the PATH that finds it first.
    static func fakeMpirun(_ cli: CLIRunner, _ body: String) throws -> [String: String] {
        let directory = cli.path("fake-bin")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let script = directory + "/mpirun"
        try ("#!/bin/sh\n" + body + "\n").write(toFile: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
        return ["PATH": directory + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")]
    }

    /// mpirun's own failures (an unreachable host: 255; a rank crash: 1 with nothing on stdout; killed by a
    /// signal) are world failures: exit 70, one JSON document with mpirun's status under --json, a message on stderr.
    @Test func worldFailuresExitSeventyWithOneJSONDocument() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        let cases: [(body: String, key: String, value: Int)] = [
            ("echo 'ORTE was unable to reliably start one or more daemons.' >&2; exit 255", "exit_code", 255),
            ("echo 'mpirun noticed that process rank 1 exited on signal 6' >&2; exit 1", "exit_code", 1),
            ("kill -KILL $$", "signal", 9),
        ]
        for (body, key, value) in cases {
            let path = try Self.fakeMpirun(cli, body)
            let json = try cli.run(["run", "-n", "2", "--drain", "--json"], environment: path)
            #expect(json.status == 70, "\(body): \(json.stderr)")
            let report = try #require(try json.json() as? [String: Any], "\(body): stdout \(json.stdout)")
            #expect(report["ok"] as? Bool == false && report["exit_code"] as? Int == 70, "\(report)")
            #expect((report["mpirun_status"] as? [String: Any])?[key] as? Int == value, "\(body): \(report)")
            #expect((report["error"] as? String)?.hasPrefix("the MPI world failed") == true, "\(report)")
            let text = try cli.run(["run", "-n", "2", "--drain"], environment: path)
            #expect(text.status == 70 && text.stdout.isEmpty, "\(body): \(text.stdout)")
            #expect(text.stderr.contains("error: the MPI world failed"), "\(body): \(text.stderr)")
        }
    }

    /// The coordinator's report is passed through as the only stdout document, with its code (0; 1 for failed jobs).
    @Test func coordinatorReportAndCodePassThrough() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        for (document, code) in [("{\"ok\": true, \"failed\": 0}", 0), ("{\"ok\": false, \"failed\": 1}", 1)] {
            let path = try Self.fakeMpirun(cli, "echo 'progress on stderr' >&2; printf '%s\\n' '\(document)'; exit \(code)")
            let r = try cli.run(["run", "-n", "2", "--drain", "--json"], environment: path)
            #expect(r.status == Int32(code), "\(r.stderr)")
            #expect(r.stdout == document + "\n", "\(r.stdout)")
            #expect(r.stderr.contains("progress on stderr") && !r.stderr.contains("error:"), "\(r.stderr)")
        }
    }

    /// The text report passes through with its code 1, for one task as for several ("1 task on 2 ranks").
    @Test func textReportPassesThroughForOneTaskToo() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        for line in ["0 succeeded, 1 failed, 0 dropped (cancelled or lost), 1 task on 2 ranks",
                     "1 succeeded, 1 failed, 0 dropped (cancelled or lost), 7 tasks on 3 ranks"] {
            let path = try Self.fakeMpirun(cli, "printf '%s\\n' '\(line)'; exit 1")
            let r = try cli.run(["run", "-n", "2", "--drain"], environment: path)
            #expect(r.status == 1 && r.stdout == line + "\n" && !r.stderr.contains("error:"), "\(line): \(r.status) \(r.stderr)")
        }
    }

    /// A SIGHUP ignored by whoever started `run` (nohup) stays ignored: `run` and mpirun go on.
    @Test func ignoredHangupStaysIgnored() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        // The stand-in mpirun says it has started, then waits (at most 60 s) until the test has sent the SIGHUP.
        let started = cli.path("started"), sent = cli.path("sent")
        let path = try Self.fakeMpirun(cli, """
        : > "\(started)"
        i=0; while [ ! -e "\(sent)" ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i + 1)); done
        echo '{"ok": true}'; exit 0
        """)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/nohup")
        process.arguments = [CLIRunner.binary.path, "run", "-n", "2", "--drain", "--json"]
        process.environment = cli.environment(adding: path)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { CLIRunner.stop(process) }
        try #require(Self.waitForFile(started), "the stand-in mpirun did not start")
        kill(process.processIdentifier, SIGHUP)
        FileManager.default.createFile(atPath: sent, contents: nil)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0, "status \(process.terminationStatus)")
    }

    /// SIGTERM to `run` reaches mpirun; kill -9 of `run` takes mpirun down (SIGTERM from the kernel).
    @Test func signalsReachMpirunAndItDiesWithRun() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        let started = cli.path("started"), got = cli.path("got")
        // The stand-in loops for at most 60 s, so that it ends even when no SIGTERM reaches it.
        let path = try Self.fakeMpirun(cli, """
        trap 'echo term > "\(got)"; exit 143' TERM
        echo $$ > "\(started)"
        i=0; while [ $i -lt 1200 ]; do sleep 0.05; i=$((i + 1)); done
        """)
        for killRun in [SIGTERM, SIGKILL] {
            try? FileManager.default.removeItem(atPath: started)
            try? FileManager.default.removeItem(atPath: got)
            let process = cli.process(["run", "-n", "2", "--drain"], environment: path)
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            defer { CLIRunner.stop(process) }
            try #require(Self.waitForFile(started), "the stand-in mpirun did not start")
            kill(process.processIdentifier, killRun)
            process.waitUntilExit()
            if killRun == SIGTERM { #expect(process.terminationStatus == 70, "mpirun ended by the forwarded SIGTERM without a report") }
            // The stand-in writes its file when SIGTERM reaches it (forwarded, or as the death signal).
            #expect(Self.waitForFile(got), "mpirun got no SIGTERM after \(killRun == SIGTERM ? "SIGTERM" : "SIGKILL") to run")
        }
    }

    /// Waits (at most 60 s) until `path` exists; whether it does.
    static func waitForFile(_ path: String) -> Bool {
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: path) && Date() < deadline { usleep(20_000) }
        return FileManager.default.fileExists(atPath: path)
    }
}
