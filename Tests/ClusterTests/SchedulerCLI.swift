import Foundation
import Store

#if canImport(Glibc)
import Glibc
#endif

/// Drives the built `rtcluster` binary against a scratch data directory: plain commands (phantom, case add,
/// submit, cancel) as child processes, and `rtcluster run -n N` (mpirun) in the foreground or background.
final class SchedulerCLI {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    let binary: URL
    let work: URL
    var dataDir: URL { work.appendingPathComponent("data") }

    init(launcher: MultiRankLauncher) throws {
        guard let binary = launcher.binary else { throw MultiRankLauncher.LaunchError(reason: launcher.unavailableReason ?? "no binary") }
        self.binary = binary
        work = FileManager.default.temporaryDirectory.appendingPathComponent("scheduler-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: work) }

    /// Starts `rtcluster args… --data-dir <data>` without waiting; stdout and stderr go to files in the work folder.
    func start(_ args: [String], logName: String = UUID().uuidString) throws -> (process: Process, log: URL) {
        let process = Process()
        process.executableURL = binary
        process.arguments = args + ["--data-dir", dataDir.path]
        process.environment = MultiRankLauncher.childEnvironment()
        let log = work.appendingPathComponent(logName + ".log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return (process, log)
    }

    /// Kills a process from ``start(_:logName:)`` (SIGKILL) and waits for it when it still runs: put in a `defer`
    /// right after the start, so that a test that stops early leaves no world behind (`run` takes mpirun down).
    func stop(_ process: Process) {
        guard process.isRunning, process.processIdentifier > 0 else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Ids of the live processes with this data directory on their command line: ranks of a killed run go on for
    /// a while, renewing leases.
    func processesOnDataDirectory() -> [Int32] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return names.compactMap(Int32.init).filter { pid in
            guard let line = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            return line.split(separator: 0).contains { String(decoding: $0, as: UTF8.self) == dataDir.path }
        }
    }

    /// Runs `rtcluster args…` to completion.
    @discardableResult
    func run(_ args: [String]) throws -> Output {
        let outURL = work.appendingPathComponent("out-\(UUID().uuidString)")
        let errURL = work.appendingPathComponent("err-\(UUID().uuidString)")
        for url in [outURL, errURL] { _ = FileManager.default.createFile(atPath: url.path, contents: nil) }
        defer { for url in [outURL, errURL] { try? FileManager.default.removeItem(at: url) } }
        let process = Process()
        process.executableURL = binary
        process.arguments = args + ["--data-dir", dataDir.path]
        process.environment = MultiRankLauncher.childEnvironment()
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
        process.waitUntilExit()
        return Output(status: process.terminationStatus,
                      stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
    }

    /// Writes the small thorax phantom (64×64×40) and registers it as case `id`.
    func addThoraxCase(id: String, seed: Int = 3, size: String = "small") throws {
        let file = work.appendingPathComponent("\(id).h5").path
        for args in [["phantom", "thorax", "--out", file, "--size", size, "--seed", "\(seed)"],
                     ["case", "add", file, "--id", id, "--site", "site-\(id)"]] {
            let r = try run(args)
            guard r.status == 0 else { throw MultiRankLauncher.LaunchError(reason: "\(args[0]) failed: \(r.stderr)") }
        }
    }

    /// Submits a segment job of every structure on `caseID`; returns its id.
    func submitSegment(caseID: String, priority: Int = 500) throws -> Int64 {
        let spec = work.appendingPathComponent("segment.yaml")
        if !FileManager.default.fileExists(atPath: spec.path) {
            try "kind: segment\nseed: 5\nstructures: [body, lung_left, lung_right, trachea, bones, spinal_canal]\n"
                .write(to: spec, atomically: true, encoding: .utf8)
        }
        let r = try run(["submit", caseID, spec.path, "--priority", "\(priority)", "--json"])
        guard r.status == 0, let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any],
              let id = (object["id"] as? NSNumber)?.int64Value else {
            throw MultiRankLauncher.LaunchError(reason: "submit failed: \(r.stdout) \(r.stderr)")
        }
        return id
    }

    /// The job as `status JOB --json` shows it.
    func status(_ job: Int64) throws -> [String: Any] {
        let r = try run(["status", "\(job)", "--json"])
        return (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]) ?? [:]
    }

    /// The segmentation datasets of a job's result file (masks by name plus "labels").
    func segmentation(_ job: Int64) throws -> [String: [UInt8]] {
        let file = try ResultFile.read(path: dataDir.appendingPathComponent("store/results/job-\(job)/result.h5").path)
        var arrays = file.segmentation.mapValues(\.voxels)
        arrays["labels"] = file.labelMap?.voxels
        return arrays
    }

    /// Per task of a job's result: round-trip seconds minus compute seconds (messaging and queueing).
    func dispatchOverheads(_ job: Int64) throws -> [Double] {
        let file = try ResultFile.read(path: dataDir.appendingPathComponent("store/results/job-\(job)/result.h5").path)
        guard let timings = file.arrays["/timings/tasks"], case .float64(let rows) = timings.values, timings.shape.count == 2 else { return [] }
        let width = timings.shape[1]
        return stride(from: 0, to: rows.count, by: width).map { rows[$0 + 4] - rows[$0 + 3] }
    }

    /// Every file under the data directory whose name marks an unfinished atomic write.
    func temporaryFiles() -> [String] {
        let walker = FileManager.default.enumerator(atPath: dataDir.path)
        var found: [String] = []
        while let path = walker?.nextObject() as? String {
            if path.contains(".tmp-") { found.append(path) }
        }
        return found
    }
}
