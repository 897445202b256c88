import Core
import Foundation
import Testing
@testable import Store

/// The shared TG-119 phantom written before the project existed (no schema attribute, extra datasets).
@Suite struct TG119CaseTests {
    static let path = "/work/shared/data/tg119/case.h5"
    static var present: Bool { FileManager.default.fileExists(atPath: path) }

    @Test(.enabled(if: TG119CaseTests.present)) func loadsAsItIs() throws {
        let c = try CaseFile.read(path: Self.path)
        let g = c.ct.grid
        #expect(g.nx == 167 && g.ny == 167 && g.nz == 129)
        #expect(g.spacingMM == SIMD3(3, 3, 2.5))
        #expect(g.originMM == SIMD3(-250, -250, -160))
        #expect(c.orientation == "HFS")
        #expect(c.structures.map(\.name) == ["BODY", "Core", "OuterTarget"])
        #expect(c.structures.map(\.voxelCount) == [601_736, 1320, 7458])
        #expect(c.structure(named: "OuterTarget")?.voiType == "TARGET")
        #expect(c.structure(named: "OuterTarget")?.overlapPriority == 1)
        #expect(c.structure(named: "Core")?.objectivesJSON?.contains("\"penalty\": 300") == true)
    }

    @Test(.enabled(if: TG119CaseTests.present)) func summaryAndSlabMatchFullRead() throws {
        let summary = try CaseFile.summary(path: Self.path)
        #expect(summary.schema == 1)
        #expect(summary.structureNames == ["BODY", "Core", "OuterTarget"])
        let full = try CaseFile.read(path: Self.path)
        let slab = try CaseFile.readCTSlab(path: Self.path, zRange: 60..<68)
        #expect(slab == full.ct.slab(60..<68))
        #expect(slab.grid.originMM.z == -160 + 60 * 2.5)
    }
}
