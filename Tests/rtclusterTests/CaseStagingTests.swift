import Foundation
import Store
import Testing

/// Leftovers of interrupted `case add` runs: the next `case add` removes what is provably abandoned (its run's
/// `flock` is free or gone) and keeps what a live run holds or what is not known to be a staging leftover.
@Suite struct CaseStagingTests {
    static func names(_ url: URL) -> Set<String> { Set((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []) }

    /// An open descriptor of `path` holding an exclusive flock, as a live `case add` run holds its lock (this test
    /// process is not the CLI's, so the lock is foreign to the runs under test); closing it releases the lock.
    /// Close-on-exec: tests running alongside start processes, and a child that inherited the descriptor would keep
    /// the lock after it is closed here.
    static func holdLock(_ path: String) throws -> Int32 {
        let fd = open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0, flock(fd, LOCK_EX | LOCK_NB) == 0 else { throw CocoaError(.fileLocking, userInfo: [NSFilePathErrorKey: path]) }
        return fd
    }

    @Test
    func nextCaseAddRemovesAbandonedLeftoversOnly() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        let fm = FileManager.default
        try CLITests.writeSmallCase(to: cli.path("small.h5"))
        #expect(try cli.run(["case", "add", cli.path("small.h5"), "--id", "first"]).status == 0)
        let cases = cli.dataDir.appendingPathComponent("store/cases")
        let incoming = cases.appendingPathComponent(".incoming")
        // A finished add leaves no staging entry; the case directory has no marker.
        #expect(Self.names(cases) == ["first"] && Self.names(cases.appendingPathComponent("first")) == ["case.h5"])

        func stagingDirectory(_ token: String, lockFile: Bool) throws {
            try fm.createDirectory(at: incoming.appendingPathComponent(token), withIntermediateDirectories: true)
            try Data("partial HDF5".utf8).write(to: incoming.appendingPathComponent("\(token)/case.h5"))
            if lockFile { try Data().write(to: incoming.appendingPathComponent("\(token).lock")) }
        }
        func caseDirectory(_ id: String, marker token: String) throws {
            try fm.createDirectory(at: cases.appendingPathComponent(id), withIntermediateDirectories: true)
            try Data("case bytes".utf8).write(to: cases.appendingPathComponent("\(id)/case.h5"))
            try Data(token.utf8).write(to: cases.appendingPathComponent("\(id)/.adding"))
        }
        try stagingDirectory("killed-11-a1", lockFile: true)    // killed while copying: lock file left, unlocked
        try stagingDirectory("live-12-b2", lockFile: true)      // a run still copying: lock held below
        try stagingDirectory("foreign", lockFile: false)        // no lock file: not known to be a leftover (kept a day)
        try caseDirectory("moved", marker: "killed-13-c3")      // killed after the move, before the registry row
        try Data().write(to: incoming.appendingPathComponent("killed-13-c3.lock"))
        try caseDirectory("moved2", marker: "gone-14-d4")       // the same, its lock file already cleaned away
        try caseDirectory("busy", marker: "live-12-b2")         // a live run between move and registry row
        try Data("gone-15-e5".utf8).write(to: cases.appendingPathComponent("first/.adding"))  // registered, marker left
        var holder: Int32? = try Self.holdLock(incoming.appendingPathComponent("live-12-b2.lock").path)
        defer { if let fd = holder { close(fd) } }

        let second = try cli.run(["case", "add", cli.path("small.h5"), "--id", "second"])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(Self.names(incoming) == ["live-12-b2", "live-12-b2.lock", "foreign"], "\(Self.names(incoming))")
        #expect(Self.names(cases) == [".incoming", "first", "second", "busy"], "\(Self.names(cases))")
        #expect(Self.names(cases.appendingPathComponent("first")) == ["case.h5"])
        #expect(try cli.run(["case", "show", "first"]).status == 0)

        // The live run's id cannot be taken while it holds its lock; once it is gone, the id is free again.
        let refused = try cli.run(["case", "add", cli.path("small.h5"), "--id", "busy"])
        #expect(refused.status == 65 && refused.stderr.contains("registry has no such case"), "\(refused.stderr)")
        #expect(fm.fileExists(atPath: cases.appendingPathComponent("busy/.adding").path))
        close(holder!)
        holder = nil
        let taken = try cli.run(["case", "add", cli.path("small.h5"), "--id", "busy", "--json"])
        #expect(taken.status == 0, "\(taken.stderr)")
        #expect(Self.names(cases.appendingPathComponent("busy")) == ["case.h5"])
        #expect(Self.names(incoming) == ["foreign"], "\(Self.names(incoming))")
        // The new case holds the added file, not the leftover's bytes, and the registry's checksum is of that file.
        let stored = cases.appendingPathComponent("busy/case.h5")
        #expect(try CaseFile.read(path: stored.path).structures.map(\.name) == ["body"])
        let record = try #require((try cli.run(["case", "show", "busy", "--json"]).json() as? [String: Any])?["case"] as? [String: Any])
        #expect(record["sha256"] as? String == (try SHA256.hex(ofFile: stored)))

        // An empty directory no case add made is neither removed nor replaced (a rename would replace it).
        try fm.createDirectory(at: cases.appendingPathComponent("empty"), withIntermediateDirectories: false)
        let onEmpty = try cli.run(["case", "add", cli.path("small.h5"), "--id", "empty"])
        #expect(onEmpty.status == 65 && onEmpty.stderr.contains("registry has no such case"), "\(onEmpty.stderr)")
        #expect(Self.names(cases.appendingPathComponent("empty")).isEmpty)
        #expect(Self.names(incoming) == ["foreign"], "\(Self.names(incoming))")
    }
}
