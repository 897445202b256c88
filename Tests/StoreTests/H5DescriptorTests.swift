import Foundation
import Testing
@testable import Store

/// HDF5 files are open close-on-exec: libhdf5 holds an `flock` on every open file, and a process started while it is
/// open (mpirun, a test's child) must not inherit the descriptor and keep the file locked after it is closed.
@Suite struct H5DescriptorTests {
    /// The close-on-exec flag of every descriptor of this process that refers to `path`.
    static func closeOnExecFlags(of path: String) -> [Bool] {
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return entries.compactMap { name -> Bool? in
            guard let fd = Int32(name),
                  let link = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(name)"),
                  link == target else { return nil }
            let flags = fcntl(fd, F_GETFD)
            return flags >= 0 ? flags & FD_CLOEXEC != 0 : nil
        }
    }

    @Test func createdAndOpenedFilesAreCloseOnExec() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("descriptor.h5")
        let created = try H5File.create(path)
        #expect(Self.closeOnExecFlags(of: path) == [true])
        try created.closeChecked()
        #expect(Self.closeOnExecFlags(of: path).isEmpty)
        for writable in [false, true] {
            let opened = try H5File.open(path, writable: writable)
            #expect(Self.closeOnExecFlags(of: path) == [true], "writable: \(writable)")
            opened.close()
        }
    }
}
