import Foundation
import Testing
@testable import Cluster

/// Runs `rtcluster selftest --json` under `mpirun` with 2 and 3 ranks as a child process.
///
/// The binary is looked up next to the test bundle (the `.build/<triple>/debug` directory); the test is skipped
/// when it or `mpirun` is missing. The child's environment is cleaned of the `OMPI_*`, `PMIX_*` and `OPAL_*`
/// variables this test process got from its own singleton MPI init (otherwise the child exits 1 silently).
@Suite(.serialized) struct MultiRankSelfTest {
    static let launcher = MultiRankLauncher()

    @Test(.enabled(if: launcher.unavailableReason == nil, "\(launcher.unavailableReason ?? "")"),
          arguments: [2, 3])
    func selfTestPassesUnderMpirun(ranks: Int) throws {
        let run = try Self.launcher.run(ranks: ranks, arguments: ["selftest", "--json"])
        #expect(run.exitCode == 0, "mpirun exited \(run.exitCode); stderr: \(run.standardError.suffix(2000))")
        let start = try #require(run.standardOutput.range(of: "{"), "no JSON object on stdout: \(run.standardOutput.suffix(2000))")
        let report = try JSONDecoder().decode(SelfTestReport.self, from: Data(run.standardOutput[start.lowerBound...].utf8))
        #expect(report.size == ranks)
        #expect(report.checks.map(\.name) == SelfTestExpectations.checkNames)
        for check in report.checks { #expect(check.ok, "\(check.name) with \(ranks) ranks: \(check.detail)") }
        #expect(report.ok)
    }
}

/// Finds `mpirun` and the built `rtcluster` binary and runs them with a clean MPI environment.
struct MultiRankLauncher: Sendable {
    struct Run {
        var exitCode: Int32
        var standardOutput: String
        var standardError: String
    }

    let binary: URL?
    let mpirun: URL?

    init() {
        let testExecutable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: testExecutable).deletingLastPathComponent()
        // On macOS the executable sits inside the .xctest bundle: climb out of it.
        while directory.pathComponents.contains(where: { $0.hasSuffix(".xctest") }) {
            directory.deleteLastPathComponent()
        }
        let candidate = directory.appendingPathComponent("rtcluster")
        binary = FileManager.default.isExecutableFile(atPath: candidate.path) ? candidate : nil
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        mpirun = path.split(separator: ":")
            .map { URL(fileURLWithPath: String($0)).appendingPathComponent("mpirun") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Why the multi-rank test cannot run here, or nil when it can.
    var unavailableReason: String? {
        if mpirun == nil { return "mpirun not found in PATH: install openmpi-bin to run the multi-rank self-test" }
        if binary == nil { return "rtcluster binary not built next to the test bundle: run `swift build --product rtcluster` first" }
        return nil
    }

    /// The current environment without MPI launcher variables, allowing root and keeping backtraces short.
    static func childEnvironment(from parent: [String: String] = ProcessInfo.processInfo.environment) -> [String: String] {
        var environment = parent.filter { key, _ in
            !["OMPI_", "PMIX_", "OPAL_"].contains { key.hasPrefix($0) }
        }
        environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
        environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
        environment["SWIFT_BACKTRACE"] = "enable=no"
        return environment
    }

    func run(ranks: Int, arguments: [String]) throws -> Run {
        guard let binary, let mpirun else { throw LaunchError(reason: unavailableReason ?? "unavailable") }
        let process = Process()
        process.executableURL = mpirun
        process.arguments = ["--allow-run-as-root", "--oversubscribe", "--bind-to", "none", "--timeout", "60",
                             "-n", "\(ranks)", binary.path] + arguments
        process.environment = Self.childEnvironment()
        // Output goes to files, not pipes: the run ends when mpirun exits, even if a daemon it (or a test running
        // beside it) started still holds an inherited descriptor.
        let capture = FileManager.default.temporaryDirectory
            .appendingPathComponent("cluster-selftest-\(ProcessInfo.processInfo.processIdentifier)-\(ranks)-\(UUID().uuidString)")
        let outputURL = capture.appendingPathExtension("stdout"), errorURL = capture.appendingPathExtension("stderr")
        guard FileManager.default.createFile(atPath: outputURL.path, contents: nil),
              FileManager.default.createFile(atPath: errorURL.path, contents: nil) else {
            throw LaunchError(reason: "cannot create \(capture.path).stdout/.stderr for mpirun's output")
        }
        defer { try? FileManager.default.removeItem(at: outputURL); try? FileManager.default.removeItem(at: errorURL) }
        let outputFile = try FileHandle(forWritingTo: outputURL), errorFile = try FileHandle(forWritingTo: errorURL)
        defer { try? outputFile.close(); try? errorFile.close() }
        process.standardOutput = outputFile
        process.standardError = errorFile
        try process.run()
        process.waitUntilExit()
        let outputData = (try? Data(contentsOf: outputURL)) ?? Data()
        let errorData = (try? Data(contentsOf: errorURL)) ?? Data()
        return Run(exitCode: process.terminationStatus,
                   standardOutput: String(decoding: outputData, as: UTF8.self),
                   standardError: String(decoding: errorData, as: UTF8.self))
    }

    struct LaunchError: Error, CustomStringConvertible {
        var reason: String
        var description: String { "cannot launch the multi-rank self-test: \(reason)" }
    }
}

@Suite struct MultiRankLauncherEnvironment {
    @Test func childEnvironmentDropsMPIVariablesAndAllowsRoot() {
        let parent = ["OMPI_COMM_WORLD_SIZE": "1", "PMIX_RANK": "0", "OPAL_PREFIX": "/usr", "PATH": "/usr/bin",
                      "OMPI_ALLOW_RUN_AS_ROOT": "0"]
        let environment = MultiRankLauncher.childEnvironment(from: parent)
        #expect(environment == ["PATH": "/usr/bin", "OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
                                "SWIFT_BACKTRACE": "enable=no"])
    }
}
