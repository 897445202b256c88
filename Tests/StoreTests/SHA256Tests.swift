import Foundation
import Testing
@testable import Store

/// FIPS 180-4 example vectors, and agreement with the system's `sha256sum` on a file.
@Suite struct SHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func knownVectors(input: String, digest: String) {
        #expect(SHA256.hex(of: Array(input.utf8)) == digest)
    }

    @Test func millionAsInPiecesMatchesVector() {
        var d = SHA256()
        let piece = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { d.update(piece) }
        #expect(d.finalizeHex() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func fileDigestMatchesSha256sum() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sha-\(UUID().uuidString).bin")
        defer { try? FileManager.default.removeItem(at: url) }
        var rng = SystemRandomNumberGenerator()
        let bytes = (0..<(1 << 20) + 17).map { _ in UInt8.random(in: 0...255, using: &rng) }
        try Data(bytes).write(to: url)
        let ours = try SHA256.hex(ofFile: url)
        let tool = URL(fileURLWithPath: "/usr/bin/sha256sum")
        try #require(FileManager.default.isExecutableFile(atPath: tool.path), "sha256sum absent")
        let p = Process(); p.executableURL = tool; p.arguments = [url.path]
        let (status, out) = try capture(p)
        #expect(status == 0 && out.hasPrefix(ours), "\(out)")
    }
}
