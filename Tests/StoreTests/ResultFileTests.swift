import Core
import Foundation
import Testing
@testable import Store

@Suite struct ResultFileTests {
    static func makeResult() throws -> ResultFile {
        let ct = try makeCT()
        let doseGrid = try Grid(nx: 6, ny: 5, nz: 4, spacingMM: SIMD3(3, 3, 3), originMM: SIMD3(-9, 21, -29))
        var dose = DoseVolume(grid: doseGrid)
        var sigma = DoseVolume(grid: doseGrid)
        for z in 0..<4 { for y in 0..<5 { for x in 0..<6 {
            dose[x, y, z] = Float(x * y) * 0.75 + Float(z)
            sigma[x, y, z] = 0.01 * Float(x + 1)
        } } }
        var labels = MaskVolume(grid: ct.grid)
        labels[2, 3, 4] = 7
        let influence = try SparseMatrixCSC(rows: 120, columns: 3, values: [0.5, 1.5, 2.5], rowIndices: [4, 0, 119], columnStarts: [0, 1, 1, 3])
        return ResultFile(
            segmentation: ["body": makeBox(ct.grid, x: 1..<10, y: 1..<9, z: 0..<9), "lung_left": makeBox(ct.grid, x: 6..<9, y: 2..<6, z: 2..<7)],
            labelMap: labels, doseGy: dose, doseUncertainty: sigma,
            arrays: [
                "/plan/weights": ResultArray(.float64([0.1, 2.5, 0])),
                "/plan/beams/gantry_deg": ResultArray(.float32([0, 40, 80])),
                "/plan/beamlet_ids": ResultArray(.int32([3, -1, 2_000_000_000])),
                "/plan/histories": ResultArray(.int64([1 << 40])),
                "/dvh/PTV": try ResultArray(shape: [3, 2], values: .float64([0, 100, 25, 60, 50, 0])),
            ],
            sparseMatrices: ["/dose/influence": influence],
            attributes: ["software_version": .string("0.1.0"), "seed": .int(42), "ranks": .int(4),
                         "time_dose_s": .double(12.5), "gantry_deg": .doubles([0, 40]), "shape": .ints([2, 3])])
    }

    @Test func roundTripKeepsEveryPartAndDtype() throws {
        let dir = try TemporaryDirectory()
        let result = try Self.makeResult()
        try result.write(to: dir.file("result.h5"))
        let back = try ResultFile.read(path: dir.file("result.h5"))
        #expect(back == result)
        #expect(try dir.entries() == ["result.h5"])
    }

    @Test func emptyResultRoundTrips() throws {
        let dir = try TemporaryDirectory()
        try ResultFile().write(to: dir.file("empty.h5"))
        #expect(try ResultFile.read(path: dir.file("empty.h5")) == ResultFile())
    }

    @Test func writtenFileIsReadableByH5dump() throws {
        let dir = try TemporaryDirectory()
        try Self.makeResult().write(to: dir.file("result.h5"))
        guard let (status, output) = try h5dump(["-H", dir.file("result.h5")]) else { return }
        #expect(status == 0)
        for name in ["\"segmentation\"", "\"total\"", "\"uncertainty\"", "\"influence\"", "\"indptr\"", "H5T_IEEE_F32LE", "H5T_STD_I64LE"] {
            #expect(output.contains(name), "\(name)")
        }
        guard let (dataStatus, data) = try h5dump(["-d", "/dose/influence/indptr", dir.file("result.h5")]) else { return }
        #expect(dataStatus == 0)
        #expect(data.contains("0, 1, 1, 3"))
    }

    @Test func invalidSparseMatricesAreRejected() {
        #expect(throws: StoreError.self) { try SparseMatrixCSC(rows: 2, columns: 1, values: [1], rowIndices: [2], columnStarts: [0, 1]) }
        #expect(throws: StoreError.self) { try SparseMatrixCSC(rows: 2, columns: 2, values: [1], rowIndices: [0], columnStarts: [0, 1]) }
        #expect(throws: StoreError.self) { try SparseMatrixCSC(rows: 2, columns: 2, values: [1, 1], rowIndices: [0, 1], columnStarts: [0, 2, 1]) }
        #expect(throws: StoreError.self) { try SparseMatrixCSC(rows: 2, columns: 1, values: [.nan], rowIndices: [0], columnStarts: [0, 1]) }
    }

    @Test func reservedAndMalformedPathsAreRejected() throws {
        let dir = try TemporaryDirectory()
        for path in ["plan/x", "/segmentation/x", "/dose/total", "/a//b", "/a/../b"] {
            let result = ResultFile(arrays: [path: ResultArray(.int32([1]))])
            let message = errorText { try result.write(to: dir.file("r.h5")) }
            #expect(message?.contains(path) == true, "\(path)")
        }
        #expect(try dir.entries().isEmpty)
    }

    @Test func uncertaintyOnAnotherGridIsRejected() throws {
        let dir = try TemporaryDirectory()
        var result = try Self.makeResult()
        result.doseUncertainty = DoseVolume(grid: try Grid(nx: 2, ny: 2, nz: 2, spacingMM: SIMD3(1, 1, 1)))
        let message = errorText { try result.write(to: dir.file("r.h5")) }
        #expect(message?.contains("/dose/uncertainty") == true)
    }
}
