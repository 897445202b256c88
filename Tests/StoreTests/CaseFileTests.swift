import Core
import Foundation
import Testing
@testable import Store

@Suite struct CaseFileTests {
    @Test func roundTripKeepsVoxelsGeometryAndStructureMetadata() throws {
        let dir = try TemporaryDirectory()
        let original = try makeCase()
        let path = dir.file("case.h5")
        try original.write(to: path)
        let back = try CaseFile.read(path: path)
        #expect(back == original)
        #expect(back.structures.map(\.name) == ["BODY", "PTV"])
        #expect(back.structure(named: "PTV")?.voiType == "TARGET")
        #expect(back.structure(named: "PTV")?.overlapPriority == 1)
        #expect(back.structure(named: "BODY")?.voiType == nil)
        #expect(try dir.entries() == ["case.h5"])
    }

    @Test func readCTReadsTheCTAloneAndChecksIt() throws {
        let dir = try TemporaryDirectory()
        let original = try makeCase()
        try original.write(to: dir.file("case.h5"))
        #expect(try CaseFile.readCT(path: dir.file("case.h5")) == original.ct)
        // The CT's element limit applies as in read(path:).
        let message = errorText { _ = try CaseFile.readCT(path: dir.file("case.h5"), limits: StoreLimits(maxVoxels: 10)) }
        #expect(message?.contains("/ct/hu") == true)
        #expect(errorText { _ = try CaseFile.readCT(path: dir.file("absent.h5")) } != nil)
    }

    @Test func summaryReportsMetadataWithoutVoxels() throws {
        let dir = try TemporaryDirectory()
        let original = try makeCase()
        try original.write(to: dir.file("case.h5"))
        let summary = try CaseFile.summary(path: dir.file("case.h5"))
        #expect(summary == CaseSummary(schema: 1, grid: original.ct.grid, structureNames: ["BODY", "PTV"],
                                       orientation: "HFS", frameOfReferenceUID: "1.2.3.4"))
    }

    @Test(arguments: [0..<9, 0..<1, 3..<7, 8..<9])
    func hyperslabReadEqualsSliceOfFullRead(zRange: Range<Int>) throws {
        let dir = try TemporaryDirectory()
        let original = try makeCase()
        try original.write(to: dir.file("case.h5"))
        let slab = try CaseFile.readCTSlab(path: dir.file("case.h5"), zRange: zRange)
        #expect(slab == original.ct.slab(zRange))
        #expect(slab.grid.originMM.z == original.ct.grid.originMM.z + Double(zRange.lowerBound) * 3)
    }

    /// Slabs that cross chunk layers (8 slices) and chunk columns/rows (64 voxels), with a layer of all-zero
    /// chunks (not stored: the fill value), on 1 and 3 inflating threads, equal the slices of the full read.
    @Test(arguments: [0..<21, 7..<17, 8..<16, 9..<10, 15..<21, 20..<21])
    func chunkParallelSlabReadEqualsSliceOfFullRead(zRange: Range<Int>) throws {
        let dir = try TemporaryDirectory()
        var ct = try makeCT(nx: 70, ny: 66, nz: 21)
        for z in 8..<16 { for y in 0..<66 { for x in 0..<70 { ct[x, y, z] = 0 } } }
        try CaseFile(ct: ct, structures: [], orientation: "HFS", frameOfReferenceUID: nil).write(to: dir.file("case.h5"))
        #expect(try CaseFile.readCT(path: dir.file("case.h5")) == ct)
        for threads in [1, 3] {
            let slab = try CaseFile.readCTSlab(path: dir.file("case.h5"), zRange: zRange, threads: threads)
            #expect(slab == ct.slab(zRange), "threads \(threads)")
        }
        // The element limit applies to the slab's voxels.
        #expect(errorText { _ = try CaseFile.readCTSlab(path: dir.file("case.h5"), zRange: zRange,
                                                        limits: StoreLimits(maxVoxels: zRange.count * 70 * 66 - 1)) } != nil)
    }

    @Test func slabOutsideTheVolumeIsRejected() throws {
        let dir = try TemporaryDirectory()
        try makeCase().write(to: dir.file("case.h5"))
        let message = errorText { _ = try CaseFile.readCTSlab(path: dir.file("case.h5"), zRange: 5..<10) }
        #expect(message?.contains("/ct/hu") == true)
        #expect(message?.contains("0..<9") == true)
    }

    @Test func structureOnAnotherGridIsRejected() throws {
        let ct = try makeCT()
        let other = try Grid(nx: 12, ny: 10, nz: 8, spacingMM: SIMD3(1.5, 2, 3))
        let message = errorText { _ = try CaseFile(ct: ct, structures: [Structure(name: "X", mask: MaskVolume(grid: other))]) }
        #expect(message?.contains("/structures/X") == true)
    }

    @Test(arguments: ["", "a/b", ".", ".."])
    func invalidStructureNamesAreRejected(name: String) throws {
        let ct = try makeCT()
        #expect(throws: StoreError.self) { try CaseFile(ct: ct, structures: [Structure(name: name, mask: MaskVolume(grid: ct.grid))]) }
    }

    @Test func writtenFileIsReadableByH5dump() throws {
        let dir = try TemporaryDirectory()
        try makeCase().write(to: dir.file("case.h5"))
        guard let (status, output) = try h5dump(["-A", dir.file("case.h5")]) else { return }
        #expect(status == 0)
        #expect(output.contains("DATASET \"hu\""))
        #expect(output.contains("H5T_STD_I16LE"))
        #expect(output.contains("\"zyx\""))
        guard let (dataStatus, data) = try h5dump(["-d", "/ct/hu", "-s", "0,0,0", "-c", "1,1,3", dir.file("case.h5")]) else { return }
        #expect(dataStatus == 0)
        #expect(data.contains("-1000, -999, -998"))
    }
}
