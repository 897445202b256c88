import Foundation
import Testing

/// Runs the built `rtcluster` binary (next to the test bundle) against a private data directory.
struct CLIRunner {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        /// Stdout decoded as JSON.
        func json() throws -> Any { try JSONSerialization.jsonObject(with: Data(stdout.utf8)) }
    }

    static let binary: URL = {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
        while dir.pathComponents.contains(where: { $0.hasSuffix(".xctest") }) { dir.deleteLastPathComponent() }
        return dir.appendingPathComponent("rtcluster")
    }()

    /// A fresh temporary directory holding the data directory and scratch files.
    let work: URL
    var dataDir: URL { work.appendingPathComponent("data") }

    init() throws {
        work = FileManager.default.temporaryDirectory.appendingPathComponent("rtcluster-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    }

    func cleanUp() { try? FileManager.default.removeItem(at: work) }

    /// A path inside the work directory.
    func path(_ name: String) -> String { work.appendingPathComponent(name).path }

    /// Submits the spec at `specPath` on case `caseID` as job 1, drains it with `rtcluster worker`, requires that it
    /// succeeded and exports `results 1 --out bundle --dicom --json`; returns that last run.
    @discardableResult
    func runFirstJobAndExport(case caseID: String, spec specPath: String) throws -> Result {
        let submitted = try run(["submit", caseID, specPath])
        try #require(submitted.status == 0, "\(submitted.stderr)")
        let worker = try run(["worker", "--drain", "--poll-ms", "20"])
        #expect(worker.status == 0, "\(worker.stderr)")
        let status = try #require(try run(["status", "1", "--json"]).json() as? [String: Any])
        try #require(status["state"] as? String == "succeeded", "\(status)")
        let exported = try run(["results", "1", "--out", path("bundle"), "--dicom", "--json"])
        try #require(exported.status == 0, "\(exported.stderr)")
        return exported
    }

    /// Runs `rtcluster args…` with `RTCLUSTER_HOME` set to this runner's data directory (in `directory` when given,
    /// with `environment` added).
    @discardableResult
    func run(_ args: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws -> Result {
        try Self.capture(process(args, in: directory, environment: environment), in: work)
    }

    /// `rtcluster args…` as ``run(_:in:environment:)`` starts it, not started yet.
    func process(_ args: [String], in directory: URL? = nil, environment: [String: String] = [:]) -> Process {
        let p = Process()
        p.executableURL = CLIRunner.binary
        p.arguments = args
        if let directory { p.currentDirectoryURL = directory }
        p.environment = self.environment(adding: environment)
        return p
    }

    /// This process's environment without MPI launcher variables, with `RTCLUSTER_HOME` set to this runner's data
    /// directory, short backtraces, and `added`.
    func environment(adding added: [String: String] = [:]) -> [String: String] {
        var env = ProcessInfo.processInfo.environment.filter { k, _ in !["OMPI_", "PMIX_", "OPAL_"].contains { k.hasPrefix($0) } }
        env["RTCLUSTER_HOME"] = dataDir.path
        env["SWIFT_BACKTRACE"] = "enable=no"
        env.merge(added) { _, added in added }
        return env
    }

    /// Kills `process` (SIGKILL) and waits for it when it still runs: put in a `defer` right after starting a
    /// background child, so that a test that stops early leaves no process behind.
    static func stop(_ process: Process) {
        guard process.isRunning, process.processIdentifier > 0 else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Runs `process` to its end with stdout and stderr captured in files of `directory`, not pipes: a pipe's write
    /// end can leak into a long-lived child that a test running beside this one starts (an MPI daemon, a stand-in
    /// mpirun), and reading to its end would then wait for that child too.
    static func capture(_ process: Process, in directory: URL = FileManager.default.temporaryDirectory) throws -> Result {
        let capture = directory.appendingPathComponent("capture-\(UUID().uuidString)")
        let outURL = capture.appendingPathExtension("out"), errURL = capture.appendingPathExtension("err")
        guard FileManager.default.createFile(atPath: outURL.path, contents: nil),
              FileManager.default.createFile(atPath: errURL.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: capture.path])
        }
        defer { try? FileManager.default.removeItem(at: outURL); try? FileManager.default.removeItem(at: errURL) }
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        defer { try? out.close(); try? err.close() }
        process.standardOutput = out
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        let outData = try Data(contentsOf: outURL), errData = try Data(contentsOf: errURL)
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }
}
