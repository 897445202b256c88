import Core
import Foundation
import Store
import Testing

/// `dose` jobs end to end through the CLI: jobs/water-10x10.yaml (histories cut to 20 per beamlet and a 10 mm
/// dose grid) on a 32×32×32 water tank of 10 mm voxels, drained by `rtcluster worker`, then read back by
/// scripts/check_influence.py with h5py + scipy (D·w = /dose/total within 1e-5 of the maximum).
@Suite struct DoseCommandTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Why the Python read-back cannot run here, or nil when python3 has h5py and scipy.
    static let pythonUnavailable: String? = {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import h5py, scipy"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return "python3 not found" }
        p.waitUntilExit()
        return p.terminationStatus == 0 ? nil : "python3 lacks h5py or scipy"
    }()

    /// A copy of a job file with cheap statistics.
    static func cheapCopy(of file: String, in cli: CLIRunner) throws -> String {
        let text = try String(contentsOf: repository.appendingPathComponent("jobs/\(file)"), encoding: .utf8)
            .replacingOccurrences(of: "histories_per_beamlet: 10000", with: "histories_per_beamlet: 20")
            .replacingOccurrences(of: "spacing_mm: 3", with: "spacing_mm: 10")
        let path = cli.path(file)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test(.enabled(if: pythonUnavailable == nil, "\(pythonUnavailable ?? "")"))
    func waterFieldResultReadsBackWithScipy() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        #expect(try cli.run(["phantom", "water", "--box", "--size", "32x32x32", "--out", cli.path("tank.h5")]).status == 0)
        #expect(try cli.run(["case", "add", cli.path("tank.h5"), "--id", "tank", "--site", "s1"]).status == 0)
        let submitted = try cli.run(["submit", "tank", try Self.cheapCopy(of: "water-10x10.yaml", in: cli)])
        try #require(submitted.status == 0, "\(submitted.stderr)")
        let worker = try cli.run(["worker", "--drain", "--poll-ms", "20", "--json"])
        #expect(worker.status == 0, "\(worker.stderr)")
        let status = try #require(try cli.run(["status", "1", "--json"]).json() as? [String: Any])
        #expect(status["state"] as? String == "succeeded", "\(status)")
        #expect(try cli.run(["results", "1", "--out", cli.path("out")]).status == 0)
        let result = cli.path("out/result.h5")
        let file = try ResultFile.read(path: result)
        #expect(file.attributes["beamlet_count"] == .int(400) && file.arrays["/plan/weights"]?.values.count == 400)
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", Self.repository.appendingPathComponent("scripts/check_influence.py").path, result]
        let checked = try CLIRunner.capture(check, in: cli.work)
        let report = checked.stdout
        #expect(checked.status == 0, "\(report) \(checked.stderr)")
        #expect(report.contains("\"shape\": [32768, 400]") && report.contains("\"problems\": []"), "\(report)")
    }

    /// Bad specs never reach the queue: the submit fails with the key path, exit code non-zero, and no job or
    /// result exists afterwards.
    @Test func badDoseSpecsAreRejectedAtSubmit() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        #expect(try cli.run(["phantom", "water", "--box", "--size", "16x16x16", "--out", cli.path("tank.h5")]).status == 0)
        #expect(try cli.run(["case", "add", cli.path("tank.h5"), "--id", "tank", "--site", "s1"]).status == 0)
        let cases: [(text: String, message: String)] = [
            ("kind: dose\ntarget: ptv\nbeams: {gantry_deg: [0]}\n", "structure \"ptv\" is not in the case"),
            ("kind: dose\nopen_field: {field_mm: [100, 2], ssd_mm: 1000}\nbeams: {gantry_deg: [0]}\n", "open_field.field_mm[1]"),
            ("kind: dose\nopen_field: {field_mm: [100, .nan], ssd_mm: 1000}\nbeams: {gantry_deg: [0]}\n", "not a finite number"),
        ]
        for (n, bad) in cases.enumerated() {
            let path = cli.path("bad-\(n).yaml")
            try bad.text.write(toFile: path, atomically: true, encoding: .utf8)
            let r = try cli.run(["submit", "tank", path])
            #expect(r.status != 0 && r.stderr.contains(bad.message), "\(r.status) \(r.stderr)")
        }
        // A CT of 16³ voxels of 50 mm (80 cm cube) with a 1 mm dose grid: 800³ = 5.1·10⁸ voxels, over 2^27.
        let grid = try Grid(nx: 16, ny: 16, nz: 16, spacingMM: [50, 50, 50])
        try CaseFile(ct: CTVolume(grid: grid, repeating: 0)).write(to: cli.path("coarse.h5"))
        #expect(try cli.run(["case", "add", cli.path("coarse.h5"), "--id", "coarse"]).status == 0)
        let fine = cli.path("fine.yaml")
        try "kind: dose\nopen_field: {field_mm: [100, 100], ssd_mm: 1000}\nbeams: {gantry_deg: [0]}\ndose_grid: {spacing_mm: 1}\n"
            .write(toFile: fine, atomically: true, encoding: .utf8)
        let huge = try cli.run(["submit", "coarse", fine, "--json"])
        #expect(huge.status == 65 && huge.stdout.contains("800 × 800 × 800 = 512000000 voxels"), "\(huge.status) \(huge.stdout)")
        let list = try #require(try cli.run(["list", "--json"]).json() as? [Any])
        #expect(list.isEmpty)
        let results = cli.dataDir.appendingPathComponent("store/results").path
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: results)) ?? []).isEmpty)
    }
}
