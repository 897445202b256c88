import Foundation
import Store
import Testing

/// What `results --out DIR` may replace and where it stages: only earlier bundles, never a link, never "" or ".",
/// short staging names, and the staging directories of killed runs cleaned at the next run.
@Suite struct ResultsOutTests {
    var fm: FileManager { .default }

    static func entries(_ path: String) throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: path).sorted() }

    @Test func outDirectoryRules() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        try ResultsBundleTests.caseWithJob(cli)
        #expect(try cli.run(["worker", "--drain", "--poll-ms", "20"]).status == 0)

        // A user folder whose files merely have bundle names is refused and kept.
        let user = cli.path("user")
        try fm.createDirectory(atPath: user, withIntermediateDirectories: true)
        for name in ["RTDOSE.dcm", "report.html", "metrics.json"] { try "mine".write(toFile: user + "/" + name, atomically: true, encoding: .utf8) }
        let refused = try cli.run(["results", "1", "--out", user])
        #expect(refused.status == 65 && refused.stderr.contains("is not a result bundle") && refused.stderr.contains(user), "\(refused.stderr)")
        #expect(try Self.entries(user) == ["RTDOSE.dcm", "metrics.json", "report.html"])
        #expect(try String(contentsOfFile: user + "/report.html", encoding: .utf8) == "mine")

        // A bundle is marked and replaced by the next export; one written before the marker (rtcluster's result.h5) too.
        let bundle = cli.path("bundle")
        #expect(try cli.run(["results", "1", "--out", bundle]).status == 0)
        #expect(try Self.entries(bundle).contains(".rtcluster-bundle"))
        #expect(try cli.run(["results", "1", "--out", bundle]).status == 0)
        try fm.removeItem(atPath: bundle + "/.rtcluster-bundle")
        try fm.removeItem(atPath: bundle + "/axial.png")
        let again = try cli.run(["results", "1", "--out", bundle])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try Self.entries(bundle).contains("axial.png"))

        // A symbolic link (to a bundle, or dangling) is refused; the link stays a link.
        try fm.createSymbolicLink(atPath: cli.path("link"), withDestinationPath: bundle)
        try fm.createSymbolicLink(atPath: cli.path("dangling"), withDestinationPath: cli.path("nowhere"))
        for link in ["link", "link/", "dangling"] {
            let r = try cli.run(["results", "1", "--out", cli.path(link)])
            #expect(r.status == 65 && r.stderr.contains("is a symbolic link"), "\(link): \(r.stderr)")
        }
        #expect(try fm.destinationOfSymbolicLink(atPath: cli.path("link")) == bundle)
        #expect(!fm.fileExists(atPath: cli.path("nowhere")))

        // "" and "." are not directory names (64), and the working directory is left alone.
        for out in ["", ".", "..", "/"] {
            let r = try cli.run(["results", "1", "--out", out], in: URL(fileURLWithPath: bundle))
            #expect(r.status == 64 && r.stderr.contains("is not a directory name"), "\(out): \(r.stderr)")
        }
        #expect(try Self.entries(bundle).contains("report.html"))

        // A 250-byte name is legal: the staging name stays short.
        let long = cli.path(String(repeating: "b", count: 250))
        let longRun = try cli.run(["results", "1", "--out", long])
        #expect(longRun.status == 0 && fm.fileExists(atPath: long + "/report.html"), "\(longRun.stderr)")

        // Staging directories of killed runs (pid gone) are removed at the next run into the same parent; a live
        // run's, a foreign folder with a staging-like name and anything else stay.
        let parent = cli.path("exports")
        try fm.createDirectory(atPath: parent, withIntermediateDirectories: true)
        let dead = "2147483000"
        let stale = [".rtc-0123abcd-\(dead).tmp", ".rtc-0123abcd-\(dead).old", ".job-1.tmp-\(dead)", ".job-7.old-\(dead)"]
        let kept = [".rtc-0123abcd-\(getpid()).tmp", ".rtc-89abcdef-\(dead).old-notes", ".rtc-0123abcd-\(dead).tmp-x"]
        for name in stale + kept {
            try fm.createDirectory(atPath: parent + "/" + name, withIntermediateDirectories: true)
            try "x".write(toFile: parent + "/" + name + "/report.html", atomically: true, encoding: .utf8)
        }
        let foreign = parent + "/.rtc-fedcba98-\(dead).tmp"
        try fm.createDirectory(atPath: foreign, withIntermediateDirectories: true)
        try "keep".write(toFile: foreign + "/notes.txt", atomically: true, encoding: .utf8)
        #expect(try cli.run(["results", "1", "--out", parent + "/job-1"]).status == 0)
        // An earlier version's `.job-7.old-<pid>` (its target missing) is the user's previous bundle: put back as job-7;
        // a `.old` whose target is unknown (no marker naming it) is kept.
        #expect(try Self.entries(parent) == (kept + [".rtc-fedcba98-\(dead).tmp", ".rtc-0123abcd-\(dead).old", "job-1", "job-7"]).sorted())
        #expect(try Self.entries(parent + "/job-7") == ["report.html"])
    }

    static let dead = "2147483000"
    static func hashPrefix(_ text: String, _ count: Int) -> String { String(SHA256.hex(of: Array(text.utf8)).prefix(count)) }
    /// The host tag computed here (host name and pid namespace), independently of the CLI's.
    static var thisHost: String {
        var buffer = [CChar](repeating: 0, count: 256)
        let name = gethostname(&buffer, buffer.count - 1) == 0 ? String(cString: buffer) : ""
        let namespace = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/pid")) ?? ""
        return hashPrefix(name + "\n" + namespace, 6)
    }

    /// A killed `results --dicom` leaves AtomicFile temporaries of RTDOSE.dcm / RTSTRUCT.dcm (plain and hashed
    /// forms) in its staging directory: still ours, removed. A temporary of another name keeps the directory; another
    /// host's staging is judged by age only (its pid means nothing here), this host's by its pid.
    @Test func stagingWithAtomicTemporariesIsCleanedAndOtherHostsAreJudgedByAge() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        try ResultsBundleTests.caseWithJob(cli)
        #expect(try cli.run(["worker", "--drain", "--poll-ms", "20"]).status == 0)
        let parent = cli.path("exports")
        let dead = Self.dead, name = Self.hashPrefix("job-1", 8)
        let contents: [String: [String]] = [
            ".rtc-\(name)-\(Self.thisHost)-\(dead).tmp": [".rtcluster-bundle", "report.html", ".RTDOSE.dcm.tmp-\(dead)-1f2e3d",
                                                         ".rtc-\(Self.hashPrefix("RTSTRUCT.dcm", 12)).tmp-\(dead)-abc"],
            ".rtc-0123abcd-\(dead).tmp": [".RTSTRUCT.dcm.tmp-\(dead)-ff", ".metrics.json.tmp-\(dead)-\(Self.thisHost)-9a"],
            ".rtc-0123abcd-\(Self.thisHost)-\(dead).tmp": ["dvh.csv", ".notes.txt.tmp-\(dead)-ff"],
            ".rtc-89abcdef-\(dead).tmp": [".RTDOSE.dcm.tmp-x-ff"],
            ".rtc-0123abcd-000000-\(dead).tmp": ["report.html"],
        ]
        for (directory, files) in contents {
            try fm.createDirectory(atPath: parent + "/" + directory, withIntermediateDirectories: true)
            for file in files { try "x".write(toFile: parent + "/" + directory + "/" + file, atomically: false, encoding: .utf8) }
        }
        let r = try cli.run(["results", "1", "--out", parent + "/job-1", "--dicom"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try Self.entries(parent) == [".rtc-0123abcd-000000-\(dead).tmp", ".rtc-0123abcd-\(Self.thisHost)-\(dead).tmp",
                                             ".rtc-89abcdef-\(dead).tmp", "job-1"].sorted())
        #expect(try Self.entries(parent + "/job-1").contains("report.html"))
    }

    /// A run killed between moving the previous bundle to `.old` and renaming the new one in: the next run in that
    /// folder puts the previous bundle back (its marker names the target) instead of deleting it; with the target
    /// present, a stale `.old` is removed.
    @Test func previousBundleMovedAsideByAKilledRunIsPutBack() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        try ResultsBundleTests.caseWithJob(cli)
        #expect(try cli.run(["worker", "--drain", "--poll-ms", "20"]).status == 0)
        let parent = cli.path("exports")
        #expect(try cli.run(["results", "1", "--out", parent + "/job-1"]).status == 0)
        #expect(try cli.run(["results", "1", "--out", parent + "/copy"]).status == 0)
        let before = try Self.entries(parent + "/job-1")
        let aside = parent + "/.rtc-\(Self.hashPrefix("job-1", 8))-\(Self.thisHost)-\(Self.dead).old"
        try fm.moveItem(atPath: parent + "/job-1", toPath: aside)
        let copyAside = parent + "/.rtc-\(Self.hashPrefix("copy", 8))-\(Self.thisHost)-\(Self.dead).old"
        try fm.copyItem(atPath: parent + "/copy", toPath: copyAside)

        let r = try cli.run(["results", "1", "--out", parent + "/other"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try Self.entries(parent) == ["copy", "job-1", "other"])
        #expect(try Self.entries(parent + "/job-1") == before)
        #expect(try String(contentsOfFile: parent + "/job-1/.rtcluster-bundle", encoding: .utf8).contains("target: job-1"))
    }

    /// `--out` with "." or ".." components is refused (64) before anything is resolved: `store/results/lnk/../job-3`
    /// with lnk pointing outside passes a kernel-resolved data-directory check but a textual `..` lands in the store.
    @Test func outWithDotComponentsIsRefused() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        try ResultsBundleTests.caseWithJob(cli)
        #expect(try cli.run(["worker", "--drain", "--poll-ms", "20"]).status == 0)
        let results = cli.dataDir.path + "/store/results"
        try fm.createDirectory(atPath: cli.path("outside/deep"), withIntermediateDirectories: true)
        try fm.createSymbolicLink(atPath: results + "/lnk", withDestinationPath: cli.path("outside/deep"))
        for out in [results + "/lnk/../job-3", cli.work.path + "/outside/deep/../c"] {
            let r = try cli.run(["results", "1", "--out", out])
            #expect(r.status == 64 && r.stderr.contains("component"), "\(out): \(r.stderr)")
        }
        #expect(!fm.fileExists(atPath: results + "/job-3"))
        #expect(try Self.entries(cli.path("outside")) == ["deep"])
        // A `.` component (`./bundle`) is harmless: written where it names.
        #expect(try cli.run(["results", "1", "--out", cli.work.path + "/outside/./b"]).status == 0)
        #expect(fm.fileExists(atPath: cli.path("outside/b/.rtcluster-bundle")))
    }
}
