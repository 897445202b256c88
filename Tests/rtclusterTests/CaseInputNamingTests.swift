import CHDF5
import Core
import Foundation
import Testing
@testable import Store

/// `case add` errors about the content of an input name the input file (not "(case in memory)"), and the case's
/// orientation must be a DICOM patient position.
@Suite struct CaseInputNamingTests {
    /// Writes a valid small case to `name` and lets `damage` change the open file.
    static func damagedCase(_ cli: CLIRunner, _ name: String, _ damage: (H5File) throws -> Void) throws -> String {
        let path = cli.path(name)
        try CLITests.writeSmallCase(to: path)
        let file = try H5File.open(path, writable: true)
        try damage(file)
        try file.closeChecked()
        return path
    }

    /// Sets `orientation` on the root and on `/ct` (the reader takes `/ct`'s first).
    static func setOrientation(_ file: H5File, _ value: String) throws {
        try file.writeAttribute("orientation", .string(value))
        let ct = try file.openGroup("ct")
        defer { ct.close() }
        try ct.writeAttribute("orientation", .string(value))
    }

    @Test func contentErrorsNameTheInput() throws {
        let cli = try CLIRunner(); defer { cli.cleanUp() }
        let inputs: [(String, (H5File) throws -> Void, String)] = [
            ("for_uid_bad.h5", { try $0.writeAttribute("frame_of_reference_uid", .string("1.2.abc")) }, "is not a DICOM UID"),
            ("orient_ctl.h5", { try Self.setOrientation($0, "\u{1}bad") }, "is not a DICOM patient position"),
            ("orient_long.h5", { try Self.setOrientation($0, String(repeating: "A", count: 100_000)) },
             "is not a DICOM patient position"),
            ("long_name.h5", { file in
                let group = try file.openGroup("structures")
                try group.createDataset(String(repeating: "x", count: 5000), fileType: rt_h5t_std_u8le(), shape: [5, 6, 8],
                                        layout: .chunked(chunk: [5, 6, 8])).close()
                group.close()
            }, "must be 1…64 bytes"),
        ]
        for (name, damage, reason) in inputs {
            let path = try Self.damagedCase(cli, name, damage)
            let r = try cli.run(["case", "add", path, "--id", "c", "--json"])
            #expect(r.status == 65, "\(name): \(r.stderr)")
            #expect(r.stderr.hasPrefix("error: \(path): ") && r.stderr.contains(reason), "\(name): \(r.stderr.prefix(300))")
            #expect(!r.stderr.contains("(case in memory)"))
            #expect(r.stderr.count < 1000, "\(name): the value is echoed in full")
        }
        #expect((try cli.run(["case", "list", "--json"]).json() as? [Any])?.isEmpty == true)
        let ffs = try Self.damagedCase(cli, "ffs.h5") { try Self.setOrientation($0, "FFS") }
        #expect(try cli.run(["case", "add", ffs, "--id", "ffs"]).status == 0)
    }
}
