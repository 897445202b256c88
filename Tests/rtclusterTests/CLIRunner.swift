import Foundation

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

    /// Runs `rtcluster args…` with `RTCLUSTER_HOME` set to this runner's data directory.
    @discardableResult
    func run(_ args: [String]) throws -> Result {
        let p = Process()
        p.executableURL = CLIRunner.binary
        p.arguments = args
        var env = ProcessInfo.processInfo.environment.filter { k, _ in !["OMPI_", "PMIX_", "OPAL_"].contains { k.hasPrefix($0) } }
        env["RTCLUSTER_HOME"] = dataDir.path
        env["SWIFT_BACKTRACE"] = "enable=no"
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Drain both pipes concurrently so that a chatty child cannot block on a full pipe.
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }
}
