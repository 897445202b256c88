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
        #expect(name.hasPrefix(".out.h5.tmp-\(getpid())-\(AtomicFile.hostTag)-"))
        #expect(AtomicFile.temporaryWriter(of: name)?.pid == getpid() && AtomicFile.temporaryWriter(of: name)?.host == AtomicFile.hostTag)
        #expect(try dir.entries() == ["out.h5"])
    }

    /// The writer's pid and host are read back from temporary names of this version and of earlier ones (no host);
    /// other names are not temporaries.
    @Test func temporaryNamesTellTheirWriter() {
        #expect(AtomicFile.temporaryWriter(of: ".result.h5.tmp-123-0a1b2c-ff09")! == (123, "0a1b2c"))
        #expect(AtomicFile.temporaryWriter(of: ".rtc-0123456789ab.tmp-7-abcdef-1")! == (7, "abcdef"))
        #expect(AtomicFile.temporaryWriter(of: ".result.h5.tmp-123-ff09")! == (123, nil))
        for other in ["result.h5", ".result.h5", ".tmp-1-ff", ".x.tmp-0-ff", ".x.tmp-1-", ".x.tmp-1-zz", ".x.tmp-1-abc-ff",
                      ".x.tmp-1-abcdef-ff-1", ".x.tmp--1-ff", ".x.tmp-99999999999-ff"] {
            #expect(AtomicFile.temporaryWriter(of: other) == nil, "\(other)")
        }
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
        #expect(temporary.hasPrefix(".rtc-") && temporary.contains(".tmp-\(getpid())-\(AtomicFile.hostTag)-") && temporary.utf8.count <= 59, "\(temporary)")
        #expect(try dir.entries() == [name])
    }
}
