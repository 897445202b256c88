import Core
import Foundation
import Testing
@testable import Store

/// The real JPEG 2000 CT series of /work/shared/data (skipped when absent).
@Suite struct RealSeriesTests {
    static let directory = "/work/shared/data/ct-abdomen-dicom/dicom"
    static var present: Bool { FileManager.default.fileExists(atPath: directory) }

    @Test(.enabled(if: present)) func importsTheAbdomenSeriesLikePydicom() throws {
        let series = try DICOMImport.readCTSeries(directory: Self.directory)
        let g = series.ct.grid
        #expect((g.nx, g.ny, g.nz) == (512, 512, 20))
        // README: pixel spacing 0.9765625 mm, slices 2 mm apart from z = -804.5 to -766.5 mm.
        #expect(abs(g.spacingMM.x - 0.9765625) < 1e-9 && abs(g.spacingMM.y - 0.9765625) < 1e-9)
        #expect(abs(g.spacingMM.z - 2) < 1e-9)
        #expect(abs(g.originMM.z - -804.5) < 1e-9)
        #expect(abs(g.originMM.x - -249.51171875) < 1e-9 && abs(g.originMM.y - -437.51171875) < 1e-9)
        #expect(series.transferSyntax == .jpeg2000Lossless)
        #expect(series.frameOfReferenceUID == "1.3.12.2.1107.5.1.4.60064.30000022120807274275100000041")
        #expect(series.patientPosition == "HFS")
        #expect(series.sopInstanceUIDs.count == 20 && series.sopInstanceUIDs.allSatisfy { !$0.isEmpty })
        // Statistics of the same volume decoded by pydicom 3.0.2 + pylibjpeg-openjpeg
        // (benchmarks/dicom/compare_pydicom.py stats), recorded in benchmarks/results/dicom-import.md.
        #expect(HUStatistics(series.ct).description == "sum=-3272217339 min=-1024 max=1839 hash=675530428")

        // Voxel-by-voxel comparison when Python and its packages are installed (exit 77 = skip).
        let raw = NSTemporaryDirectory() + "/rtcluster-dicom-\(UUID().uuidString).i16"
        defer { try? FileManager.default.removeItem(atPath: raw) }
        let bytes = series.ct.voxels.withUnsafeBufferPointer { Data(buffer: $0) }
        try bytes.write(to: URL(fileURLWithPath: raw))
        let (status, output) = try runPython(["compare", Self.directory, raw])
        #expect(status == 0 || status == 77, "pydicom comparison: \(output)")
    }
}

/// Runs benchmarks/dicom/`scriptName` with the `python3` of PATH; returns exit status and output.
func runPython(_ arguments: [String], script scriptName: String = "compare_pydicom.py") throws -> (Int32, String) {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../benchmarks/dicom/" + scriptName).standardized.path
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script] + arguments
    return try capture(process)
}

/// Order-sensitive statistics of a CT volume, printed identically by the Python reference:
/// sum, min, max and h = (31 h + v) mod 1 000 000 007 over the voxels in z-major order.
struct HUStatistics: CustomStringConvertible {
    let sum: Int64, minimum: Int16, maximum: Int16, hash: Int64

    init(_ ct: CTVolume) {
        var sum: Int64 = 0, hash: Int64 = 0
        var minimum = Int16.max, maximum = Int16.min
        for v in ct.voxels {
            sum += Int64(v)
            hash = ((hash * 31 + Int64(v)) % 1_000_000_007 + 1_000_000_007) % 1_000_000_007
            minimum = min(minimum, v)
            maximum = max(maximum, v)
        }
        self.sum = sum; self.minimum = minimum; self.maximum = maximum; self.hash = hash
    }

    var description: String { "sum=\(sum) min=\(minimum) max=\(maximum) hash=\(hash)" }
}
