import Core
import Foundation
import Testing
@testable import Registry

@Suite("Case registration")
struct CaseRegistrationTests {
    @Test("A registered case reads back field for field, with a case.added event")
    func roundTrip() throws {
        try withScratchRegistry { registry, _ in
            let record = sampleCase()
            #expect(try registry.addCase(record) == record)
            #expect(try registry.caseRecord(id: "lung-001") == record)
            let events = try registry.events(caseID: "lung-001")
            #expect(events.count == 1 && events[0].kind == .caseAdded && events[0].at == t0 && events[0].jobID == nil)
            #expect(throws: RegistryError.caseNotFound("lung-404")) { try registry.caseRecord(id: "lung-404") }
        }
    }

    @Test("Cases list oldest first, optionally by site")
    func listing() throws {
        try withScratchRegistry { registry, _ in
            try registry.addCase(sampleCase(id: "b", site: "north", created: t0.addingTimeInterval(10)))
            try registry.addCase(sampleCase(id: "a", site: "south", created: t0.addingTimeInterval(20)))
            try registry.addCase(sampleCase(id: "c", site: "north", created: t0))
            #expect(try registry.cases().map(\.id) == ["c", "b", "a"])
            #expect(try registry.cases(site: "north").map(\.id) == ["c", "b"])
            #expect(try registry.cases(site: "east").isEmpty)
        }
    }

    @Test("A case built from a Core grid keeps its size and spacing")
    func fromGrid() throws {
        let grid = try Grid(nx: 32, ny: 40, nz: 24, spacingMM: SIMD3(1.25, 1.25, 3), originMM: SIMD3(-20, -25, 10))
        let record = CaseRecord(id: "phantom-1", site: "lab", created: t0, casePath: "cases/phantom-1.h5",
                                sha256: String(repeating: "0", count: 64), grid: grid, structures: [])
        #expect(record.nx == 32 && record.ny == 40 && record.nz == 24 && record.spacingMM == SIMD3(1.25, 1.25, 3))
        try withScratchRegistry { registry, _ in
            let added = try registry.addCase(record)
            #expect(added.structures == [])
        }
    }
}
