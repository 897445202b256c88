import Core
import Foundation
import Testing
@testable import Store

@Suite struct AtomicWriteTests {
    @Test func failureMidWriteLeavesNoFileAndNoTemporary() throws {
        let dir = try TemporaryDirectory()
        var result = try ResultFileTests.makeResult()
        // Written after the volumes and "/dvh/PTV": the failure happens with the temporary file half written.
        result.arrays["/zz/bad"] = ResultArray(.float32([1, .nan, 3]))
        let message = errorText { try result.write(to: dir.file("result.h5")) }
        #expect(message?.contains("/zz/bad") == true)
        #expect(message?.contains("NaN") == true)
        #expect(try dir.entries().isEmpty)
    }

    @Test func failureKeepsAnExistingFileUntouched() throws {
        let dir = try TemporaryDirectory()
        let good = try makeCase()
        try good.write(to: dir.file("case.h5"))
        let before = try Data(contentsOf: URL(fileURLWithPath: dir.file("case.h5")))
        struct Interrupted: Error {}
        #expect(throws: Interrupted.self) {
            try AtomicFile.write(to: dir.file("case.h5")) { temporary in
                #expect(FileManager.default.createFile(atPath: temporary, contents: Data("partial".utf8)))
                throw Interrupted()
            }
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir.file("case.h5"))) == before)
        #expect(try dir.entries() == ["case.h5"])
    }

    @Test func temporaryNameIsHiddenInTheSameDirectory() throws {
        let dir = try TemporaryDirectory()
        var seen: String?
        try AtomicFile.write(to: dir.file("out.h5")) { temporary in
            seen = temporary
            #expect(FileManager.default.createFile(atPath: temporary, contents: Data("x".utf8)))
        }
        let name = try #require(seen).split(separator: "/").last.map(String.init) ?? ""
        #expect(name.hasPrefix(".out.h5.tmp-\(getpid())-"))
        #expect(try dir.entries() == ["out.h5"])
    }

    @Test func overwritingReplacesTheFileWhole() throws {
        let dir = try TemporaryDirectory()
        try makeCase().write(to: dir.file("case.h5"))
        let second = try CaseFile(ct: try makeCT(nx: 4, ny: 4, nz: 2))
        try second.write(to: dir.file("case.h5"))
        #expect(try CaseFile.read(path: dir.file("case.h5")) == second)
    }
}

@Suite struct AtomicLongNameTests {
    /// A 250-byte name (legal: NAME_MAX is 255) is written; its temporary name is short.
    @Test func longNamesGetAShortTemporary() throws {
        let dir = try TemporaryDirectory()
        let name = String(repeating: "n", count: 246) + ".h5"
        var seen: String?
        try AtomicFile.write(to: dir.file(name)) { temporary in
            seen = temporary
            #expect(FileManager.default.createFile(atPath: temporary, contents: Data("x".utf8)))
        }
        let temporary = try #require(seen).split(separator: "/").last.map(String.init) ?? ""
        #expect(temporary.hasPrefix(".rtc-") && temporary.contains(".tmp-\(getpid())-") && temporary.utf8.count <= 52, "\(temporary)")
        #expect(try dir.entries() == [name])
    }
}
