import Foundation
import Testing
@testable import Jobs

/// `open_field:` in `dose` jobs: the example files, the parsed values and the rejection of bad values.
struct OpenFieldSpecTests {
    static let base = """
        kind: dose
        open_field: {field_mm: [100, 100], ssd_mm: 1000}
        beams: {gantry_deg: [0]}

        """

    @Test(arguments: ["water-10x10.yaml", "lung-slab-10x10.yaml"])
    func exampleFilesAreTenByTenAtSSD100(file: String) throws {
        let spec = try JobFilesTests.load(file)
        guard case .dose(let d) = spec.work else { Issue.record("kind is \(spec.kind)"); return }
        #expect(d.openField == OpenFieldSpec(fieldMM: SIMD2(100, 100), ssdMM: 1000) && d.target == nil)
        #expect(d.beams.gantryDeg == [0] && d.doseGridSpacingMM == SIMD3(repeating: 3) && d.storeInfluenceMatrix)
        try spec.validate(againstCaseStructures: [])
    }

    @Test func openFieldNeedsNoTarget() throws {
        guard case .dose(let d) = try JobSpec.parse(yaml: Self.base).work else { Issue.record("not a dose job"); return }
        #expect(d.target == nil && d.openField?.fieldMM == SIMD2(100, 100) && d.openField?.ssdMM == 1000)
        let withIsocentre = "kind: dose\nopen_field: {field_mm: [50, 20]}\nbeams: {gantry_deg: [0, 90], isocentre_mm: [0, 0, 0]}\n"
        guard case .dose(let i) = try JobSpec.parse(yaml: withIsocentre).work else { Issue.record("not a dose job"); return }
        #expect(i.openField == OpenFieldSpec(fieldMM: SIMD2(50, 20)))
    }

    static let malformed: [(yaml: String, keyPath: String, reason: JobSpecError.Reason, fragment: String)] = [
        (base.replacingOccurrences(of: "[100, 100]", with: "[100, .nan]"), "open_field.field_mm[1]", .invalidValue, "not a finite number"),
        (base.replacingOccurrences(of: "[100, 100]", with: "[100, 2]"), "open_field.field_mm[1]", .outOfRange, "outside [5, 400]"),
        (base.replacingOccurrences(of: "[100, 100]", with: "[100, 500]"), "open_field.field_mm[1]", .outOfRange, "outside [5, 400]"),
        (base.replacingOccurrences(of: "[100, 100]", with: "[100]"), "open_field.field_mm", .outOfRange, "1 elements"),
        (base.replacingOccurrences(of: "ssd_mm: 1000", with: "ssd_mm: 1100"), "open_field.ssd_mm", .outOfRange, "outside [500, 1000]"),
        (base.replacingOccurrences(of: "ssd_mm: 1000", with: "ssd: 1000"), "open_field.ssd", .unknownKey, "allowed keys here: field_mm, ssd_mm"),
        (base.replacingOccurrences(of: "field_mm: [100, 100], ", with: ""), "open_field.field_mm", .missingKey, "field size"),
        (base.replacingOccurrences(of: "[0]", with: "[0, 90]"), "open_field.ssd_mm", .invalidValue, "exactly one beam"),
        (base.replacingOccurrences(of: "[0]}", with: "[0], isocentre_mm: [0, 0, 0]}"), "open_field.ssd_mm", .invalidValue, "not both"),
        (base.replacingOccurrences(of: ", ssd_mm: 1000", with: ""), "open_field", .missingKey, "needs open_field.ssd_mm"),
        ("kind: dose\nbeams: {gantry_deg: [0]}\n", "target", .missingKey, "or an open_field"),
        (MalformedSpec.basePlan + "open_field: {field_mm: [100, 100]}\n", "open_field", .unknownKey, "not allowed here"),
    ]

    @Test(arguments: malformed.indices)
    func badOpenFieldsAreRejectedWithTheirKeyPath(index: Int) {
        let bad = Self.malformed[index]
        MalformedSpec.expectRejected(bad.yaml, bad.keyPath, bad.reason, bad.fragment)
    }
}
