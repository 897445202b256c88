import CHDF5
import Core
import Foundation
import Testing
@testable import Store

/// Case files and RT Structure Set exports hold every name of ``StructureName``'s rule unchanged and refuse the rest.
@Suite struct StructureNameStoreTests {
    static let hostile = ["GTV+5mm", "Lung (L)", "Œsophagus", "Spinal Cord PRV 3mm", "z_ring #2", "CTV \"boost\"", "PTV: 60, *&!{[",
                          "脊髄 😀", "e\u{301}t\u{E9}", "...", String(repeating: "\u{E9}", count: 32), String(repeating: "脊", count: 21)]

    static func hostileCase() throws -> CaseFile {
        let ct = try makeCT()
        let structures = hostile.enumerated().map { i, name in
            Structure(name: name, mask: makeBox(ct.grid, x: i % 12..<(i % 12 + 1), y: 0..<3, z: 0..<2))
        }
        return try CaseFile(ct: ct, structures: structures)
    }

    @Test func caseFileKeepsHostileNamesByteForByte() throws {
        let dir = try TemporaryDirectory()
        let original = try Self.hostileCase()
        try original.write(to: dir.file("case.h5"))
        let back = try CaseFile.read(path: dir.file("case.h5"))
        #expect(back == original)
        let stored = back.structures.map { Array($0.name.utf8) }
        #expect(Set(stored) == Set(Self.hostile.map { Array($0.utf8) }), "\(back.structures.map(\.name))")
        #expect(Set(try CaseFile.summary(path: dir.file("case.h5")).structureNames.map { Array($0.utf8) }) == Set(stored))
        // h5dump (a reader without our code) lists the datasets under the same names.
        if let (status, output) = try h5dump(["-n", dir.file("case.h5")]) {
            #expect(status == 0)
            for name in ["GTV+5mm", "Lung (L)", "z_ring #2", "Spinal Cord PRV 3mm"] {
                #expect(output.contains("/structures/\(name)"), "\(name) not in\n\(output)")
            }
        }
    }

    @Test(arguments: [("PTV_50/2", "contains \"/\""), ("A\\B", "backslash"), (" PTV", "leading or trailing"), ("P\tTV", "U+0009"),
                      ("..", "HDF5 reserves"), ("", "got 0 bytes"), (String(repeating: "\u{E9}", count: 33), "got 66 bytes")])
    func caseInMemoryRefusesNamesOutsideTheRule(_ example: (name: String, fragment: String)) throws {
        let ct = try makeCT()
        let message = errorText { _ = try CaseFile(ct: ct, structures: [Structure(name: example.name, mask: MaskVolume(grid: ct.grid))]) }
        #expect(message?.contains(example.fragment) == true, "\(message ?? "accepted")")
        #expect(message?.contains("\t") == false)
    }

    /// A file written by another tool with a name outside the rule is refused on read and by the summary, naming
    /// the file and the escaped name.
    @Test(arguments: ["PTV ", "P\tTV", "PTV\u{202E}", "A\\B"])
    func caseFileWithANameOutsideTheRuleIsRefused(_ name: String) throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("case.h5")
        try makeCase().write(to: path)
        do {
            let file = try H5File.open(path, writable: true)
            defer { file.close() }
            let group = try file.openGroup("structures")
            defer { group.close() }
            #expect(H5Lmove(group.id, "PTV", group.id, name, rt_h5p_default(), rt_h5p_default()) >= 0)
        }
        let reads: [() throws -> Void] = [{ _ = try CaseFile.read(path: path) }, { _ = try CaseFile.summary(path: path) }]
        for read in reads {
            let message = try #require(errorText(read))
            #expect(message.contains(path) && message.contains("structure name") && message.contains(StructureName.shown(name)), "\(message)")
        }
    }

    /// Hostile names reach the RT Structure Set's ROI Name (LO, UTF-8 with ISO_IR 192) unchanged; dciodvfy finds no
    /// error; names the rule refuses and repeated names are refused before anything is written.
    @Test func rtStructROINamesKeepHostileNames() throws {
        let dir = try DICOMDirectory()
        let grid = DICOMExportTests.grid
        var box = MaskVolume(grid: grid)
        for z in 2...4 { for y in 3..<9 { for x in 12..<18 { box[x, y, z] = 1 } } }
        let names = Self.hostile
        let rois = names.map { RTStructROI(name: $0, mask: box) }
        try RTStructWriter(reference: DICOMExportTests.reference()).write(rois, to: dir.file("RTSTRUCT.dcm"))
        let d = try DICOMFile.read(path: dir.file("RTSTRUCT.dcm")).dataSet
        let back = try d.sequence(DICOMTags.structureSetROISequence).map { $0.string(DICOMTags.roiName) ?? "" }
        #expect(back.map { Array($0.utf8) } == names.map { Array($0.utf8) }, "\(back)")
        if let (_, output) = try run("dciodvfy", [dir.file("RTSTRUCT.dcm")]) {
            let errors = output.split(separator: "\n").filter { $0.hasPrefix("Error") }
            #expect(errors.isEmpty, "\(errors)")
        }
        for bad in [["A\\B"], ["PTV ", "PTV"], [String(repeating: "x", count: 65)], ["PTV", "PTV"]] {
            let path = dir.file("bad.dcm")
            let message = errorText { try RTStructWriter(reference: DICOMExportTests.reference()).write(bad.map { RTStructROI(name: $0, mask: box) }, to: path) }
            #expect(message?.contains("ROI") == true || message?.contains("structure name") == true, "\(message ?? "accepted")")
            #expect(!FileManager.default.fileExists(atPath: path))
        }
    }
}
