import CHDF5
import Core
import Foundation
import Testing
@testable import Store

/// Dose grids larger than a job may compute (2^27 voxels) are refused from their declared shape, before a read
/// allocates them: a small chunked file may declare gigabytes.
@Suite struct DoseGridLimitTests {
    /// A result file whose `/dose/<name>` float32 dataset of `shape` (z, y, x) is declared but never written (chunked,
    /// so the file stays a few kilobytes).
    static func writeDeclaredDose(shape: [Int], name: String = "total", to path: String) throws {
        let file = try H5File.create(path)
        let group = try file.createGroup("dose")
        let dataset = try group.createDataset(name, fileType: rt_h5t_ieee_f32le(), shape: shape, layout: .chunked(chunk: [1, 64, 64]))
        try GridAttributes.write(try Grid(nx: shape[2], ny: shape[1], nz: shape[0], spacingMM: [1, 1, 1], originMM: [0, 0, 0]), on: dataset)
        dataset.close()
        group.close()
        try file.closeChecked()
    }

    @Test func compareDoseRefusesADoseGridAboveTheLimit() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        try CompareDoseTests.write(try CompareDoseTests.gaussianDose(centreXMM: 0), to: cli.path("a.h5"))
        // 1024³ (the audit's file: 4 GiB once read) and one slice more than 2^27 = 512³.
        for (name, shape) in [("big.h5", [1024, 1024, 1024]), ("above.h5", [513, 512, 512])] {
            try Self.writeDeclaredDose(shape: shape, to: cli.path(name))
            let r = try cli.run(["compare-dose", cli.path("a.h5"), cli.path(name), "--json"])
            #expect(r.status == 65, "\(name): \(r.stderr)")
            let shown = shape.map(String.init).joined(separator: " × ")
            #expect(r.stderr.contains(cli.path(name)) && r.stderr.contains(shown) && r.stderr.contains("2^27"), "\(r.stderr)")
            #expect((try r.json() as? [String: Any])?["exit_code"] as? Int == 65)
        }
    }

    /// ResultFile.read, which every dose reader uses (results, reports, compare-dose), applies the limit to
    /// `/dose/uncertainty` too.
    @Test func resultFileReadRefusesLargeUncertainty() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        let path = cli.path("u.h5")
        try Self.writeDeclaredDose(shape: [2049, 256, 256], name: "uncertainty", to: path)
        let message = try #require(throws: StoreError.self) { _ = try ResultFile.read(path: path) }
        #expect("\(message)".contains("/dose/uncertainty") && "\(message)".contains("2^27"), "\(message)")
    }

    @Test func caseAddMaxVoxelsIsBounded() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        try CLITests.writeSmallCase(to: cli.path("small.h5"))
        for value in ["0", "\((1 << 30) + 1)", "\(Int.max)"] {
            let r = try cli.run(["case", "add", cli.path("small.h5"), "--id", "s", "--max-voxels", value])
            #expect(r.status == 64 && r.stderr.contains("--max-voxels must be between 1 and 1073741824"), "\(value): \(r.stderr)")
        }
        #expect(try cli.run(["case", "add", cli.path("small.h5"), "--id", "s", "--max-voxels", "\(1 << 30)"]).status == 0)
    }
}
