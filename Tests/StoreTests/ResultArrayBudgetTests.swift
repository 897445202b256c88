import CHDF5
import Foundation
import Testing
@testable import Store

/// Every array a result file declares is checked against the byte budget of its kind before it is allocated: a 1 MB
/// file may declare a DVH table of 8 GB.
@Suite struct ResultArrayBudgetTests {
    /// A file with one float64 dataset `path` of `shape`, declared but never written (chunked, a few kilobytes).
    static func writeDeclared(_ path: String, shape: [Int], to file: String) throws {
        let h5 = try H5File.create(file)
        var components = path.split(separator: "/").map(String.init)
        let name = components.removeLast()
        var groups: [H5Group] = []
        for component in components { groups.append(try (groups.last ?? h5).createGroup(component)) }
        let chunk = [1024] + Array(repeating: 2, count: shape.count - 1)
        try (groups.last ?? h5).createDataset(name, fileType: rt_h5t_ieee_f64le(), shape: shape, layout: .chunked(chunk: chunk)).close()
        groups.reversed().forEach { $0.close() }
        try h5.closeChecked()
    }

    @Test func arraysAboveTheirKindsBudgetAreRefusedBeforeTheRead() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("budget-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // The audit's table (8 GB once read) and ones just above each budget (16 MiB DVH, 64 MiB timings and plan arrays).
        let cases: [(String, [Int], String)] = [
            ("/dvh/ptv", [500_000_000, 2], "16 MiB"), ("/dvh/ptv", [1_048_577, 2], "16 MiB"),
            ("/timings/tasks", [1_048_577, 8], "64 MiB"), ("/plan/weights", [8_388_609], "64 MiB"),
            ("/other/table", [33_554_433], "256 MiB"),
        ]
        for (n, (path, shape, limit)) in cases.enumerated() {
            let file = directory.appendingPathComponent("r\(n).h5").path
            try Self.writeDeclared(path, shape: shape, to: file)
            #expect((try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int ?? .max) < 1 << 20)
            let error = try #require(throws: StoreError.self) { _ = try ResultFile.read(path: file) }
            let text = "\(error)"
            #expect(text.contains(path) && text.contains("\(shape)") && text.contains(limit), "\(text)")
        }
        // At the budget: read (a million-bin DVH table, 16 MiB).
        let file = directory.appendingPathComponent("ok.h5").path
        try Self.writeDeclared("/dvh/ptv", shape: [1_048_576, 2], to: file)
        #expect(try ResultFile.read(path: file).arrays["/dvh/ptv"]?.shape == [1_048_576, 2])
    }

    @Test func sparseMatrixVectorsAreBoundedByTheDeclaredShape() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("budget-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("r.h5").path
        // 3 columns declared, but an indptr of 10 million entries.
        let h5 = try H5File.create(file)
        let group = try h5.createGroup("influence")
        try group.writeAttribute("format", .string("csc"))
        try group.writeAttribute("shape", .doubles([10, 3]))
        try group.createDataset("data", fileType: rt_h5t_ieee_f32le(), shape: [0], layout: .contiguous).close()
        try group.createDataset("indices", fileType: rt_h5t_std_i32le(), shape: [0], layout: .contiguous).close()
        try group.createDataset("indptr", fileType: rt_h5t_std_i64le(), shape: [10_000_000], layout: .chunked(chunk: [4096])).close()
        group.close()
        try h5.closeChecked()
        let error = try #require(throws: StoreError.self) { _ = try ResultFile.read(path: file) }
        #expect("\(error)".contains("/influence/indptr") && "\(error)".contains("limit of 4 elements"), "\(error)")
        // A reader that does not use sparse matrices skips them.
        #expect(try ResultFile.read(path: file, sparseMatrices: false).sparseMatrices.isEmpty)
    }
}
