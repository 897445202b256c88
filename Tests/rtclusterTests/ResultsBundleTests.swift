import Core
import Foundation
import Registry
import Store
import Testing

/// `rtcluster results JOB --out DIR [--dicom]` end to end: a segment job and a synthetic dose result.
@Suite struct ResultsBundleTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Runs `tool args`; nil when the tool is not installed.
    static func tool(_ tool: String, _ args: [String]) throws -> (Int32, String)? {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":")
        guard let exe = paths.map({ "\($0)/\(tool)" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        let r = try CLIRunner.capture(p)
        return (r.status, r.stdout + r.stderr)
    }

    /// dciodvfy error lines of `path` (empty when clean or when dciodvfy is absent).
    static func dciodvfyErrors(_ path: String) throws -> [String] {
        guard let (_, output) = try tool("dciodvfy", [path]) else {
            print("dciodvfy absent: install dicom3tools to run this check")
            return []
        }
        return output.split(separator: "\n").map(String.init).filter { $0.hasPrefix("Error") }
    }

    /// A registered phantom case "c1" and one submitted job (id 1).
    static func caseWithJob(_ cli: CLIRunner) throws {
        #expect(try cli.run(["phantom", "thorax", "--out", cli.path("ct.h5"), "--size", "small"]).status == 0)
        #expect(try cli.run(["case", "add", cli.path("ct.h5"), "--id", "c1", "--site", "s1"]).status == 0)
        let submitted = try cli.run(["submit", "c1", repository.appendingPathComponent("jobs/segment.yaml").path])
        try #require(submitted.status == 0, "\(submitted.stderr)")
    }

    @Test func segmentJobBundleHasOutlinesAndAValidRTStruct() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        try Self.caseWithJob(cli)
        #expect(try cli.run(["worker", "--drain", "--poll-ms", "20"]).status == 0)
        let r = try cli.run(["results", "1", "--out", cli.path("bundle"), "--dicom", "--json"])
        try #require(r.status == 0, "\(r.stderr)")
        let files = try #require((try r.json() as? [String: Any])?["files"] as? [String]).map { URL(fileURLWithPath: $0).lastPathComponent }
        #expect(files == ["RTSTRUCT.dcm", "axial.png", "coronal.png", "metrics.json", "report.html", "result.h5", "sagittal.png"])
        let html = try String(contentsOfFile: cli.path("bundle/report.html"), encoding: .utf8)
        #expect(html.contains("No dose in this result: no DVH.") && html.contains("body (auto)"))
        #expect(try Self.dciodvfyErrors(cli.path("bundle/RTSTRUCT.dcm")).isEmpty)
        // A second export replaces the first; no temporary directory is left behind.
        #expect(try cli.run(["results", "1", "--out", cli.path("bundle")]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: cli.path("bundle/RTSTRUCT.dcm")))
        #expect(try FileManager.default.contentsOfDirectory(atPath: cli.work.path).allSatisfy { !$0.hasPrefix(".rtc-") && !$0.contains(".tmp") && !$0.contains(".old") })
        // A bundle may not replace stored results (here the job's own result directory, reached through a link).
        let stored = cli.dataDir.appendingPathComponent("store/results/job-1/result.h5")
        let storedBytes = try Data(contentsOf: stored)
        try FileManager.default.createSymbolicLink(atPath: cli.path("link"), withDestinationPath: cli.dataDir.appendingPathComponent("store/results").path)
        for out in [cli.dataDir.appendingPathComponent("store/results/job-1").path, cli.path("link/job-1")] {
            let refused = try cli.run(["results", "1", "--out", out, "--json"])
            #expect(refused.status == 65 && refused.stdout.contains("inside the data directory"), "\(refused.stdout)")
        }
        #expect(try Data(contentsOf: stored) == storedBytes)
    }

    @Test func doseResultBundleHasDVHAndDICOMInTheCasesFrame() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        try Self.caseWithJob(cli)
        // Finish job 1 by hand with a synthetic dose: 50 Gy Gaussian around the PTV's centre on a coarser grid.
        let caseFile = try CaseFile.read(path: cli.path("ct.h5"))
        let ct = caseFile.ct.grid
        let doseGrid = try Grid(nx: ct.nx / 2, ny: ct.ny / 2, nz: ct.nz / 2, spacingMM: ct.spacingMM * 2, originMM: ct.originMM + ct.spacingMM / 2)
        var dose = DoseVolume(grid: doseGrid)
        let centre = doseGrid.position(doseGrid.nx / 2, doseGrid.ny / 2, doseGrid.nz / 2)
        for z in 0..<doseGrid.nz { for y in 0..<doseGrid.ny { for x in 0..<doseGrid.nx {
            let d = doseGrid.position(x, y, z) - centre
            dose[x, y, z] = Float(50 * exp(-((d * d).sum()) / (2 * 60 * 60)))
        } } }
        let relative = "store/results/job-1/result.h5"
        try FileManager.default.createDirectory(at: cli.dataDir.appendingPathComponent("store/results/job-1"), withIntermediateDirectories: true)
        try ResultFile(doseGy: dose, attributes: ["seed": .int(7), "software_version": .string("test")]).write(to: cli.dataDir.appendingPathComponent(relative).path)
        let registry = try Registry(path: cli.dataDir.appendingPathComponent("registry.sqlite").path)
        _ = try #require(try registry.claimNextJob(owner: "test", leaseSeconds: 60))
        _ = try registry.markSucceeded(jobID: 1, owner: "test", resultPath: relative)

        // An output directory holding foreign files is refused and left as it was.
        try FileManager.default.createDirectory(atPath: cli.path("mine"), withIntermediateDirectories: true)
        try "keep".write(toFile: cli.path("mine/notes.txt"), atomically: true, encoding: .utf8)
        #expect(try cli.run(["results", "1", "--out", cli.path("mine")]).status == 65)
        #expect(try FileManager.default.contentsOfDirectory(atPath: cli.path("mine")) == ["notes.txt"])

        let r = try cli.run(["results", "1", "--out", cli.path("bundle"), "--dicom"])
        try #require(r.status == 0, "\(r.stderr)")
        for name in ["RTDOSE.dcm", "RTSTRUCT.dcm", "dvh.csv", "metrics.json", "report.html", "result.h5", "axial.png"] {
            #expect(FileManager.default.fileExists(atPath: cli.path("bundle/\(name)")), "missing \(name)")
        }
        let csv = try String(contentsOfFile: cli.path("bundle/dvh.csv"), encoding: .utf8).split(separator: "\n")
        #expect(csv[0].hasPrefix("dose_gy,body,bones,"))
        #expect(csv[1].split(separator: ",").dropFirst().allSatisfy { $0 == "100" })
        let html = try String(contentsOfFile: cli.path("bundle/report.html"), encoding: .utf8)
        #expect(html.contains("<svg") && html.contains("<td class=\"name\">7</td>"))
        for name in ["RTDOSE.dcm", "RTSTRUCT.dcm"] { #expect(try Self.dciodvfyErrors(cli.path("bundle/\(name)")).isEmpty, "\(name)") }
        // pydicom reads both; they share study and frame of reference, and the dose matches within 16-bit quantisation.
        let script = """
        import sys, pydicom, numpy
        d = pydicom.dcmread(sys.argv[1]); s = pydicom.dcmread(sys.argv[2])
        assert d.StudyInstanceUID == s.StudyInstanceUID and d.FrameOfReferenceUID == s.FrameOfReferenceUID
        assert s.ReferencedFrameOfReferenceSequence[0].FrameOfReferenceUID == d.FrameOfReferenceUID
        print(d.pixel_array.shape, float(d.pixel_array.max()) * float(d.DoseGridScaling), len(s.StructureSetROISequence))
        """
        guard let (status, output) = try Self.tool("python3", ["-c", script, cli.path("bundle/RTDOSE.dcm"), cli.path("bundle/RTSTRUCT.dcm")]),
              !output.contains("No module named") else { print("pydicom absent: skipping read-back"); return }
        #expect(status == 0, "\(output)")
        let maxDose = Double(dose.voxels.max()!)
        #expect(output.hasPrefix("(\(doseGrid.nz), \(doseGrid.ny), \(doseGrid.nx))"), "\(output)")
        let fields = output.split(separator: " ")
        let readMax = try #require(Double(fields[fields.count - 2]))
        #expect(abs(readMax - maxDose) <= maxDose / 65535, "\(output)")
        #expect(fields.last?.trimmingCharacters(in: .whitespacesAndNewlines) == "9", "\(output)")
    }
}
