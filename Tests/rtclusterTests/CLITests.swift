import Core
import Foundation
import Store
import Testing

/// End-to-end checks of the `rtcluster` command line: exit codes, JSON output, and that bad
/// input leaves the registry and store untouched.
@Suite struct CLITests {
    /// A small valid case file with one structure.
    static func writeSmallCase(to path: String) throws {
        let grid = try Grid(nx: 8, ny: 6, nz: 5, spacingMM: [2, 2, 3], originMM: [-8, -6, 0])
        var ct = CTVolume(grid: grid, repeating: -1000)
        var body = MaskVolume(grid: grid)
        for z in 0..<5 { for y in 1..<5 { for x in 1..<7 { ct[x, y, z] = 20; body[x, y, z] = 1 } } }
        try CaseFile(ct: ct, structures: [Structure(name: "body", mask: body)]).write(to: path)
    }

    static let segmentSpec = "kind: segment\nstructures: [body]\n"

    @Test func everyCommandHasHelpWithAnExample() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        let commands = [["case", "add"], ["case", "list"], ["case", "show"], ["submit"], ["status"], ["list"],
                        ["cancel"], ["events"], ["results"], ["selftest"], ["phantom"], ["compare-dose"], ["case"], ["worker"], ["run"], []]
        for command in commands {
            let r = try cli.run(command + ["--help"])
            #expect(r.status == 0, "\(command) --help exited \(r.status)")
            #expect(r.stdout.contains("Example"), "\(command.joined(separator: " ")) --help has no example")
        }
    }

    /// Help prose is reflowed (`helpText`) so that an 80-column terminal shows full lines: a prose line followed by more
    /// prose of its paragraph is not cut short (source line breaks had left fragments such as "Flags added: root").
    @Test func helpProseFillsAnEightyColumnTerminal() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        let commands = [["case", "add"], ["case", "list"], ["case", "show"], ["submit"], ["status"], ["list"],
                        ["cancel"], ["events"], ["results"], ["selftest"], ["phantom"], ["compare-dose"], ["case"], ["worker"], ["run"], []]
        for command in commands {
            let r = try cli.run(command + ["--help"], environment: ["COLUMNS": "80"])
            let lines = r.stdout.components(separatedBy: "USAGE:")[0].components(separatedBy: "\n")
            func prose(_ line: String) -> Bool { !line.isEmpty && !line.hasPrefix(" ") }
            func heading(_ line: String) -> Bool { line.hasSuffix(":") && line.split(separator: " ").count <= 3 }
            let name = command.joined(separator: " ")
            for (line, next) in zip(lines, lines.dropFirst()) {
                if prose(line) && prose(next) && !heading(next) && !heading(line) && !next.hasPrefix("- ") {
                    #expect(line.count >= 50, "\(name) --help cuts a line short: \"\(line)\"")
                }
                // An example wider than the terminal would continue on an unindented line.
                #expect(!(line.hasPrefix("  ") && prose(next)), "\(name) --help wraps the example \"\(line)\"")
            }
        }
    }

    @Test func caseAddSubmitStatusCancelRoundTrip() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        try Self.writeSmallCase(to: cli.path("small.h5"))
        try Self.segmentSpec.write(toFile: cli.path("seg.yaml"), atomically: true, encoding: .utf8)

        let added = try cli.run(["case", "add", cli.path("small.h5"), "--id", "small-1", "--site", "site-a", "--json"])
        #expect(added.status == 0, "\(added.stderr)")
        let caseJSON = try #require(try added.json() as? [String: Any])
        #expect(caseJSON["dims"] as? [Int] == [8, 6, 5])
        #expect(caseJSON["structures"] as? [String] == ["body"])
        let stored = try #require(caseJSON["case_file"] as? String)
        #expect(try SHA256.hex(ofFile: URL(fileURLWithPath: stored)) == caseJSON["sha256"] as? String)
        #expect(try CaseFile.read(path: stored).ct.grid.nz == 5)

        let submitted = try cli.run(["submit", "small-1", cli.path("seg.yaml"), "--priority", "700", "--json"])
        #expect(submitted.status == 0, "\(submitted.stderr)")
        let job = try #require(try submitted.json() as? [String: Any])
        #expect(job["state"] as? String == "queued")
        #expect(job["priority"] as? Int == 700)
        let id = try #require(job["id"] as? Int)

        let status = try cli.run(["status", "\(id)", "--json"])
        #expect((try status.json() as? [String: Any])?["kind"] as? String == "segment")
        #expect(try cli.run(["cancel", "\(id)"]).status == 0)
        let again = try cli.run(["cancel", "\(id)", "--json"])
        #expect(again.status == 65)
        #expect((try again.json() as? [String: Any])?["ok"] as? Bool == false)
        let events = try #require(try cli.run(["events", "\(id)", "--json"]).json() as? [[String: Any]])
        #expect(events.map { $0["kind"] as? String } == ["job.submitted", "job.cancelled"])
        #expect(try cli.run(["results", "\(id)", "--out", cli.path("out")]).status == 66)
        #expect(try cli.run(["status", "999"]).status == 66)
        #expect(try cli.run(["case", "show", "nope"]).status == 66)
    }

    /// Hostile or broken inputs: each fails with a clear message and a non-zero exit code, and
    /// neither the registry nor the store gains anything.
    @Test func badInputLeavesNothingBehind() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        try Self.writeSmallCase(to: cli.path("small.h5"))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: cli.path("small.h5")))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: cli.path("truncated.h5")))
        try "just text".write(toFile: cli.path("text.h5"), atomically: true, encoding: .utf8)
        #expect(try cli.run(["case", "add", cli.path("small.h5"), "--id", "good"]).status == 0)

        let hostileIDs = ["../../x", "a/b", "'; DROP TABLE jobs;--", String(repeating: "x", count: 10_000), "", ".hidden"]
        var attempts: [([String], Int32)] = hostileIDs.map { (["case", "add", cli.path("small.h5"), "--id", $0], 65) }
        attempts += [
            (["case", "add", cli.path("truncated.h5"), "--id", "trunc"], 65),
            (["case", "add", cli.path("text.h5"), "--id", "text"], 65),
            (["case", "add", cli.path("missing.h5"), "--id", "missing"], 66),
            (["case", "add", cli.path("small.h5"), "--id", "good"], 65),
            (["case", "add", cli.path("small.h5"), "--id", "big", "--max-voxels", "100"], 65),
            (["case", "add", cli.path("small.h5"), "--id", "s", "--site", "x/../y"], 65),
        ]
        for (args, expected) in attempts {
            let r = try cli.run(args + ["--json"])
            #expect(r.status == expected, "\(args.suffix(3)) exited \(r.status), expected \(expected): \(r.stderr)")
            #expect(r.stderr.hasPrefix("error: "), "no error message for \(args.suffix(3))")
            #expect((try? r.json() as? [String: Any])?["ok"] as? Bool == false)
        }
        let cases = try #require(try cli.run(["case", "list", "--json"]).json() as? [[String: Any]])
        #expect(cases.map { $0["id"] as? String } == ["good"])
        let storeEntries = try FileManager.default.contentsOfDirectory(atPath: cli.dataDir.appendingPathComponent("store/cases").path)
        #expect(storeEntries == ["good"])

        let specs = [
            "kind: segment\nstructures: [body]\nsurprise: 1\n",   // unknown key
            "kind: segment\nstructures: body\n",                  // wrong type
            "kind: segment\nstructures: [body]\npriority: -5\n",  // negative priority
            "kind: segment\nstructures: [liver]\n",               // unknown structure
            "kind: plan\n",                                       // missing keys
            "kind: [",                                            // not YAML
        ]
        for (i, spec) in specs.enumerated() {
            let file = cli.path("bad-\(i).yaml")
            try spec.write(toFile: file, atomically: true, encoding: .utf8)
            let r = try cli.run(["submit", "good", file])
            #expect(r.status == 65, "spec \(i) exited \(r.status): \(r.stderr)")
            #expect(r.stderr.contains("error: "))
        }
        #expect(try cli.run(["submit", "ghost", cli.path("bad-0.yaml")]).status == 65)
        let jobs = try #require(try cli.run(["list", "--json"]).json() as? [Any])
        #expect(jobs.isEmpty)
    }

    /// Of several `case add` runs racing for one id exactly one wins; the losers delete nothing of its store
    /// directory, and the registered SHA-256 is the stored file's.
    @Test func concurrentCaseAddsWithOneIDKeepTheWinnersFile() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        try Self.writeSmallCase(to: cli.path("small.h5"))
        #expect(try cli.run(["case", "add", cli.path("small.h5"), "--id", "other"]).status == 0, "creates the registry before the race")
        let group = DispatchGroup()
        nonisolated(unsafe) var results = [CLIRunner.Result?](repeating: nil, count: 6)
        let lock = NSLock()
        for p in 0..<6 {
            group.enter()
            DispatchQueue.global().async {
                let r = try? cli.run(["case", "add", cli.path("small.h5"), "--id", "same", "--json"])
                lock.lock(); results[p] = r; lock.unlock()
                group.leave()
            }
        }
        group.wait()
        let finished = results.compactMap { $0 }
        #expect(finished.count == 6)
        #expect(finished.filter { $0.status == 0 }.count == 1, "statuses \(finished.map(\.status))")
        for r in finished where r.status != 0 {
            #expect(r.status == 65 && r.stdout.contains("is already registered"), "\(r.status) \(r.stdout) \(r.stderr)")
        }
        let show = try #require(try cli.run(["case", "show", "same", "--json"]).json() as? [String: Any])
        let record = try #require(show["case"] as? [String: Any])
        let stored = cli.dataDir.appendingPathComponent("store/cases/same/case.h5")
        #expect(FileManager.default.fileExists(atPath: stored.path))
        #expect(record["sha256"] as? String == (try SHA256.hex(ofFile: stored)))
        let entries = try FileManager.default.contentsOfDirectory(atPath: cli.dataDir.appendingPathComponent("store/cases").path)
        #expect(entries.sorted() == ["other", "same"], "staging left behind: \(entries)")
    }

    /// Read-only commands on a directory that holds no registry say so (exit 66) and create nothing; a usage error
    /// under --json still prints the JSON error report.
    @Test func missingDataDirectoryIsNotFoundAndUsageErrorsSpeakJSON() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        let ghost = cli.path("typo/deep")
        for args in [["list", "--json"], ["status", "--json"], ["case", "list", "--json"], ["events", "1", "--json"]] {
            let r = try cli.run(args + ["--data-dir", ghost])
            #expect(r.status == 66, "\(args) \(r.status) \(r.stderr)")
            #expect((try? r.json() as? [String: Any])?["ok"] as? Bool == false, "\(args): \(r.stdout)")
        }
        #expect(!FileManager.default.fileExists(atPath: ghost))
        for args in [["list", "--state", "bogus", "--json"], ["status", "abc", "--json"]] {
            let r = try cli.run(args)
            #expect(r.status == 64, "\(args) \(r.status)")
            let json = try #require(try? r.json() as? [String: Any], "\(args): \(r.stdout)")
            #expect(json["ok"] as? Bool == false && json["exit_code"] as? Int == 64 && (json["error"] as? String)?.isEmpty == false)
        }
        #expect(try cli.run(["list", "--help", "--json"]).status == 0)
    }

    /// A structure whose stored objectives cannot be read is refused at `case add`, not when a plan uses them.
    @Test func unreadableStoredObjectivesAreRefusedAtCaseAdd() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        let grid = try Grid(nx: 4, ny: 4, nz: 2, spacingMM: [2, 2, 2])
        var mask = MaskVolume(grid: grid)
        mask[1, 1, 1] = 1
        for (i, json) in ["{not json", #"[{"type": "squared_overdose", "penalty": 1}]"#].enumerated() {
            try CaseFile(ct: CTVolume(grid: grid, repeating: 0),
                         structures: [Structure(name: "ptv", mask: mask, objectivesJSON: json)]).write(to: cli.path("o\(i).h5"))
            let r = try cli.run(["case", "add", cli.path("o\(i).h5"), "--id", "o\(i)"])
            #expect(r.status == 65 && r.stderr.contains("objectives_json of \"ptv\""), "\(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: cli.dataDir.appendingPathComponent("store/cases/o0").path))
    }

    /// A FIFO, a directory or a missing file as input is named at once (never a blocking read); a bad phantom size
    /// is a usage error.
    @Test func nonRegularInputsAreNamedWithoutBlocking() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        try Self.writeSmallCase(to: cli.path("small.h5"))
        #expect(try cli.run(["case", "add", cli.path("small.h5"), "--id", "c"]).status == 0)
        #expect(mkfifo(cli.path("fifo.h5"), 0o600) == 0)
        #expect(mkfifo(cli.path("fifo.yaml"), 0o600) == 0)
        let caseAdd = try cli.run(["case", "add", cli.path("fifo.h5"), "--id", "f"])
        #expect(caseAdd.status == 65 && caseAdd.stderr.contains("not a regular file"), "\(caseAdd.stderr)")
        let submit = try cli.run(["submit", "c", cli.path("fifo.yaml")])
        #expect(submit.status == 65 && submit.stderr.contains("not a regular file"), "\(submit.stderr)")
        let compare = try cli.run(["compare-dose", cli.path("fifo.h5"), cli.path("small.h5")])
        #expect(compare.status == 65, "\(compare.stderr)")
        let directory = try cli.run(["compare-dose", cli.work.path, cli.path("small.h5")])
        #expect(directory.status == 65 && directory.stderr.contains("is a directory"), "\(directory.stderr)")
        let missingSpec = try cli.run(["submit", "c", cli.path("missing.yaml")])
        #expect(missingSpec.status == 66 && missingSpec.stderr.contains("no such job spec file"), "\(missingSpec.stderr)")
        for size in ["0x0x0", "abc"] {
            #expect(try cli.run(["phantom", "water", "--out", cli.path("w.h5"), "--size", size]).status == 64)
        }
    }

    /// A store directory without a registry record (an interrupted run) is named, not overwritten.
    @Test func caseAddRefusesAnOrphanedStoreDirectory() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        try Self.writeSmallCase(to: cli.path("small.h5"))
        // A registry exists (without one, a store holding cases is refused as a lost registry).
        try #require(try cli.run(["case", "add", cli.path("small.h5"), "--id", "first"]).status == 0)
        let orphan = cli.dataDir.appendingPathComponent("store/cases/orphan")
        try FileManager.default.createDirectory(at: orphan, withIntermediateDirectories: true)
        try Data("keep".utf8).write(to: orphan.appendingPathComponent("note"))
        let r = try cli.run(["case", "add", cli.path("small.h5"), "--id", "orphan"])
        #expect(r.status == 65)
        #expect(r.stderr.contains("registry has no such case"), "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: orphan.appendingPathComponent("note").path))
        #expect(try cli.run(["case", "show", "orphan"]).status == 66)
    }

    /// 20 processes submit 50 jobs each at the same time: exactly 1000 jobs, distinct ids,
    /// no `database is locked` failure.
    @Test func concurrentSubmittersFromTwentyProcesses() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        try Self.writeSmallCase(to: cli.path("small.h5"))
        try Self.segmentSpec.write(toFile: cli.path("seg.yaml"), atomically: true, encoding: .utf8)
        #expect(try cli.run(["case", "add", cli.path("small.h5"), "--id", "c"]).status == 0)
        let script = """
        for i in $(seq 50); do "\(CLIRunner.binary.path)" submit c "\(cli.path("seg.yaml"))" --json \
          | grep '"id"' || echo FAILED; done
        """
        let group = DispatchGroup()
        nonisolated(unsafe) var outputs = [String](repeating: "", count: 20)
        let lock = NSLock()
        for p in 0..<20 {
            group.enter()
            DispatchQueue.global().async {
                let proc = Process()
                proc.executableURL = URL(fileURLWithPath: "/bin/sh")
                proc.arguments = ["-c", script]
                proc.environment = cli.environment()
                let text = (try? CLIRunner.capture(proc, in: cli.work)).map { $0.stdout + $0.stderr } ?? "FAILED to start sh\n"
                lock.lock(); outputs[p] = text; lock.unlock()
                group.leave()
            }
        }
        group.wait()
        let all = outputs.joined()
        #expect(!all.contains("FAILED"), "failures: \(all.split(separator: "\n").filter { !$0.contains("\"id\"") }.prefix(5))")
        let ids = all.split(separator: "\n").filter { $0.contains("\"id\"") }
        #expect(ids.count == 1000)
        #expect(Set(ids).count == 1000)
        let counts = try #require(try cli.run(["status", "--json"]).json() as? [String: Any])
        #expect((counts["counts"] as? [String: Int])?["queued"] == 1000)
    }
}

/// The real JPEG 2000 CT series of the reference data imports as a case (skipped without the data).
@Suite struct DICOMCaseTests {
    static let series = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../shared/data/ct-abdomen-dicom/dicom").standardizedFileURL

    @Test(.enabled(if: FileManager.default.fileExists(atPath: series.path), "reference DICOM series absent"))
    func dicomSeriesFolderBecomesACase() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        let r = try cli.run(["case", "add", Self.series.path, "--id", "abdomen", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try r.json() as? [String: Any])
        #expect(json["dims"] as? [Int] == [512, 512, 20])
        #expect(json["spacing_mm"] as? [Double] == [0.9765625, 0.9765625, 2])
        let stored = try CaseFile.read(path: try #require(json["case_file"] as? String))
        #expect(stored.frameOfReferenceUID?.hasPrefix("1.3.12.2.1107.5.1.4") == true)
        #expect(try cli.run(["case", "add", Self.series.path, "--id", "x", "--series", "1.2.3"]).status == 65)
    }
}

/// Hostile DICOM folders through `case add`: a clear error naming the file, exit code 65, nothing registered
/// or stored (the reader-level cases, over 200 of them, are in StoreTests/DICOM).
@Suite struct HostileDICOMCaseTests {
    @Test func brokenFilesAreNamedAndNothingIsRegistered() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        let folders: [(name: String, bytes: [UInt8])] = [
            ("not-dicom.dcm", Array("this is a text file, not DICOM\n".utf8)),
            ("truncated.dcm", [UInt8](repeating: 0, count: 128) + Array("DICM".utf8) + [0x02, 0x00, 0x00, 0x00, 0x55, 0x4C, 0x04]),
            ("huge-length.dcm", [UInt8](repeating: 0, count: 128) + Array("DICM".utf8) + [0x02, 0x00, 0x10, 0x00, 0x55, 0x49, 0xFF, 0xFF]),
        ]
        for (n, file) in folders.enumerated() {
            let folder = cli.path("series-\(n)")
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try Data(file.bytes).write(to: URL(fileURLWithPath: folder).appendingPathComponent(file.name))
            let r = try cli.run(["case", "add", folder, "--id", "hostile-\(n)", "--json"])
            #expect(r.status == 65, "\(file.name): exit \(r.status) \(r.stderr)")
            #expect(r.stderr.contains(file.name), "\(file.name) not named: \(r.stderr)")
        }
        let list = try cli.run(["case", "list", "--json"])
        #expect(list.status == 0)
        #expect((try list.json() as? [Any])?.isEmpty == true, "\(list.stdout)")
        let cases = cli.dataDir.appendingPathComponent("store/cases").path
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: cases)) ?? []).isEmpty)
    }
}
