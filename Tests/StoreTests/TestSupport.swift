import Core
import Foundation
@testable import Store

/// A fresh directory under the system temporary directory, removed when the value is released.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "/rtcluster-store-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Path of `name` inside the directory.
    func file(_ name: String) -> String { path + "/" + name }

    /// Names of the entries in the directory (including hidden temporaries).
    func entries() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: path).sorted() }
}

/// A CT with a distinct value in every voxel: HU(x, y, z) = x + 7·y + 50·z − 1000.
func makeCT(nx: Int = 12, ny: Int = 10, nz: Int = 9,
            spacingMM: SIMD3<Double> = SIMD3(1.5, 2, 3), originMM: SIMD3<Double> = SIMD3(-10, 20, -30)) throws -> CTVolume {
    let grid = try Grid(nx: nx, ny: ny, nz: nz, spacingMM: spacingMM, originMM: originMM)
    var ct = CTVolume(grid: grid)
    for z in 0..<nz { for y in 0..<ny { for x in 0..<nx { ct[x, y, z] = Int16(x + 7 * y + 50 * z - 1000) } } }
    return ct
}

/// A box mask on `grid` (1 inside `x0..<x1`, `y0..<y1`, `z0..<z1`).
func makeBox(_ grid: Grid, x: Range<Int>, y: Range<Int>, z: Range<Int>) -> MaskVolume {
    var m = MaskVolume(grid: grid)
    for k in z { for j in y { for i in x { m[i, j, k] = 1 } } }
    return m
}

/// A small case with two structures.
func makeCase() throws -> CaseFile {
    let ct = try makeCT()
    let ptv = Structure(name: "PTV", mask: makeBox(ct.grid, x: 3..<6, y: 2..<5, z: 1..<4), voiType: "TARGET",
                        overlapPriority: 1, objectivesJSON: #"[{"dose": 50}]"#)
    let body = Structure(name: "BODY", mask: makeBox(ct.grid, x: 0..<12, y: 1..<9, z: 0..<9))
    return try CaseFile(ct: ct, structures: [ptv, body], orientation: "HFS", frameOfReferenceUID: "1.2.3.4")
}

/// The message of the error `body` throws, or nil when it does not throw.
func errorText(_ body: () throws -> Void) -> String? {
    do { try body(); return nil } catch { return "\(error)" }
}

/// Runs `process` to its end with stdout and stderr captured together in a file, not a pipe: a pipe's write end can
/// leak into a long-lived child that a test running beside this one starts, and reading to its end would then wait
/// for that child too.
func capture(_ process: Process) throws -> (status: Int32, output: String) {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("rtcluster-store-capture-\(UUID().uuidString)")
    guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
        throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
    }
    defer { try? FileManager.default.removeItem(at: url) }
    let file = try FileHandle(forWritingTo: url)
    defer { try? file.close() }
    process.standardOutput = file
    process.standardError = file
    try process.run()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: try Data(contentsOf: url), as: UTF8.self))
}

/// Runs `h5dump` with `arguments`; nil when h5dump is not installed.
func h5dump(_ arguments: [String]) throws -> (status: Int32, output: String)? {
    try run("h5dump", arguments)
}
