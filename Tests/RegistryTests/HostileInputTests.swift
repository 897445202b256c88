import Foundation
import Testing
@testable import Registry

@Suite("Hostile input")
struct HostileInputTests {
    static let hostile = [
        "", "../../x", "a/b", "'; DROP TABLE jobs;--", String(repeating: "a", count: 10_240), "a\0b",
        "..", ".hidden", "-rf", "a..b", "a b", "lung\n001", "é", String(repeating: "z", count: 65),
    ]

    @Test("The identifier grammar accepts plain names up to 64 bytes")
    func accepted() throws {
        for name in ["lung-001", "A", "a.b_c-d", "0", "HN_2024.07", String(repeating: "x", count: 64)] {
            try Identifier.validate(name, as: .caseID)
        }
    }

    @Test("The identifier grammar rejects traversal, separators, SQL, huge and NUL-bearing strings", arguments: hostile)
    func rejected(name: String) {
        for role in IdentifierRole.allCases {
            #expect(throws: RegistryError.self) { try Identifier.validate(name, as: role) }
        }
    }

    @Test("Error messages echo hostile input shortened and escaped")
    func echoedSafely() {
        let huge = RegistryError.invalidIdentifier(role: .caseID, value: String(repeating: "a", count: 10_240), reason: "too long")
        #expect(huge.description.count < 120)
        #expect(huge.description.contains("(10240 bytes)"))
        let nul = RegistryError.invalidIdentifier(role: .site, value: "a\0b", reason: "bad")
        #expect(!nul.description.contains("\0"))
        #expect(nul.description == "invalid site \"a\\0b\": bad")
        do {
            try Identifier.validate("lung/../x", as: .caseID)
            Issue.record("accepted lung/../x")
        } catch {
            #expect("\(error)" == "invalid case id \"lung/../x\": character '/' at byte 4 is not allowed (only letters, digits, '.', '_', '-')")
        }
    }

    @Test("Hostile case ids, sites and job kinds are refused and write nothing", arguments: hostile)
    func nothingWritten(name: String) throws {
        try withScratchRegistry { registry, _ in
            try registry.addCase(sampleCase())
            let before = try rowCounts(registry)
            #expect(throws: RegistryError.self) { try registry.addCase(sampleCase(id: name)) }
            #expect(throws: RegistryError.self) { try registry.addCase(sampleCase(id: "lung-002", site: name)) }
            #expect(throws: RegistryError.self) { try registry.submitJob(caseID: name, kind: "plan", specText: "kind: plan") }
            #expect(throws: RegistryError.self) { try registry.submitJob(caseID: "lung-001", kind: name, specText: "kind: plan") }
            #expect(throws: RegistryError.self) { try registry.caseRecord(id: name) }
            #expect(try rowCounts(registry) == before)
        }
    }

    @Test("Malformed paths, checksums, grids, structures and specs are refused and write nothing")
    func malformedValues() throws {
        try withScratchRegistry { registry, _ in
            try registry.addCase(sampleCase())
            let before = try rowCounts(registry)
            let good = sampleCase(id: "lung-002")
            func variant(casePath: String = "cases/lung-002.h5", sha256: String = good.sha256, nx: Int = 64,
                         spacingMM: SIMD3<Double> = good.spacingMM, structures: [String] = ["body"]) -> CaseRecord {
                CaseRecord(id: good.id, site: good.site, created: t0, casePath: casePath, sha256: sha256,
                           nx: nx, ny: 48, nz: 32, spacingMM: spacingMM, structures: structures)
            }
            let bad = [
                variant(casePath: "/etc/passwd"), variant(casePath: "../outside.h5"), variant(casePath: "cases//x.h5"),
                variant(casePath: ""), variant(casePath: "cases/a\0.h5"),
                variant(sha256: "abc"), variant(sha256: String(repeating: "G", count: 64)),
                variant(nx: 0), variant(spacingMM: SIMD3(1, -1, 1)), variant(spacingMM: SIMD3(1, .nan, 1)),
                variant(structures: ["body", "body"]), variant(structures: [""]), variant(structures: ["a\u{7}"]),
                // Names outside Core.StructureName's rule, the one case files and job specs follow.
                variant(structures: ["PTV_50/2"]), variant(structures: ["A\\B"]), variant(structures: ["PTV "]),
                variant(structures: ["PTV\u{202E}"]), variant(structures: [String(repeating: "\u{E9}", count: 33)]),
            ]
            for record in bad {
                #expect(throws: RegistryError.self, "\(record.casePath) \(record.sha256) \(record.structures)") { try registry.addCase(record) }
            }
            for spec in ["", "   \n", "kind: plan\0", String(repeating: "#", count: (1 << 20) + 1)] {
                #expect(throws: RegistryError.self) { try registry.submitJob(caseID: "lung-001", kind: "plan", specText: spec) }
            }
            #expect(try rowCounts(registry) == before)
        }
    }

    @Test("SQL in free text is stored verbatim (parameterised) and NUL bytes in error messages are escaped")
    func parameterised() throws {
        try withScratchRegistry { registry, _ in
            try registry.addCase(sampleCase())
            let spec = "name: '; DROP TABLE jobs;--\n\"); DELETE FROM cases; --"
            let submitted = try registry.submitJob(caseID: "lung-001", kind: "plan", specText: spec)
            #expect(try registry.job(id: submitted.id).spec == spec)
            let running = try #require(try registry.claimNextJob(owner: "w1'; DROP TABLE events;--", leaseSeconds: 60))
            let failed = try registry.markFailed(jobID: running.id, owner: "w1'; DROP TABLE events;--", error: "bad\0tail'; DROP TABLE cases;--")
            #expect(failed.error == "bad\\0tail'; DROP TABLE cases;--")
            #expect(try rowCounts(registry) == ["cases": 1, "jobs": 1, "events": 4])
        }
    }

    @Test("Duplicate case ids are refused with nothing written")
    func duplicate() throws {
        try withScratchRegistry { registry, _ in
            try registry.addCase(sampleCase())
            let before = try rowCounts(registry)
            #expect(throws: RegistryError.duplicateCase("lung-001")) { try registry.addCase(sampleCase(site: "site-b")) }
            #expect(try rowCounts(registry) == before)
            #expect(try registry.caseRecord(id: "lung-001").site == "site-a")
        }
    }
}
