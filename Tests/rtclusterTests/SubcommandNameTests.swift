import Foundation
import Testing

/// A word that names no subcommand is a usage error (64) that names it, at any level, with a suggestion.
@Suite struct SubcommandNameTests {
    @Test func unknownSubcommandsAreNamed() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        let cases: [([String], String)] = [
            (["resutls", "2", "--out", cli.path("x")], "unknown subcommand 'resutls' of 'rtcluster'; did you mean \"results\"?"),
            (["export", "2"], "unknown subcommand 'export' of 'rtcluster'"),
            (["export", "--help"], "unknown subcommand 'export' of 'rtcluster'"),
            (["help", "resutls"], "unknown subcommand 'resutls' of 'rtcluster'; did you mean \"results\"?"),
            (["case", "ad", "x", "--id", "y"], "unknown subcommand 'ad' of 'rtcluster case'; did you mean \"add\"?"),
        ]
        for (args, message) in cases {
            let r = try cli.run(args)
            #expect(r.status == 64 && r.stderr.contains(message), "\(args): \(r.status) \(r.stderr)")
            #expect(!r.stderr.contains("Unknown option") && !r.stderr.contains("unexpected argument") && !r.stdout.contains("OVERVIEW"),
                    "\(args): \(r.stdout) \(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: cli.path("x")))
        // Under --json the usage error is the JSON report too.
        let json = try cli.run(["resutls", "2", "--json"])
        let report = try #require(try? json.json() as? [String: Any], "\(json.stdout)")
        #expect(json.status == 64 && report["exit_code"] as? Int == 64 && (report["error"] as? String)?.contains("'resutls'") == true, "\(report)")
        // Known names, help and options are as before.
        for args in [["results", "--help"], ["help", "results"], ["help", "case", "add"], ["case", "add", "--help"], ["--version"], ["--help"]] {
            let r = try cli.run(args)
            #expect(r.status == 0, "\(args): \(r.status) \(r.stderr)")
        }
    }
}
