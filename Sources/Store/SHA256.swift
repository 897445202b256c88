import CCrypto
import Foundation

/// SHA-256 (FIPS 180-4) of files and byte buffers, used to fingerprint case files in the store; computed by
/// OpenSSL's libcrypto (SHA extensions where the CPU has them). Incremental: ``update(_:)`` then ``finalizeHex()``.
public struct SHA256: ~Copyable {
    private let context: OpaquePointer

    /// A fresh digest.
    public init() {
        guard let context = EVP_MD_CTX_new(), EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else {
            fatalError("libcrypto cannot start a SHA-256 digest (out of memory)")
        }
        self.context = context
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Feeds bytes into the digest.
    public mutating func update<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        let ok = bytes.withContiguousStorageIfAvailable { EVP_DigestUpdate(context, $0.baseAddress, $0.count) }
            ?? Array(bytes).withUnsafeBufferPointer { EVP_DigestUpdate(context, $0.baseAddress, $0.count) }
        precondition(ok == 1, "libcrypto's SHA-256 update failed")
    }

    /// Finishes the digest and returns it as 64 lowercase hex digits.
    public consuming func finalizeHex() -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        precondition(EVP_DigestFinal_ex(context, &digest, &length) == 1 && length == 32, "libcrypto's SHA-256 final failed")
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: digest.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] }, as: UTF8.self)
    }

    /// Hex digest of a byte buffer.
    public static func hex<C: Collection>(of bytes: C) -> String where C.Element == UInt8 {
        var d = SHA256()
        d.update(bytes)
        return d.finalizeHex()
    }

    /// Hex digest of a file, read in 4 MiB pieces.
    public static func hex(ofFile url: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var d = SHA256()
        while let chunk = try handle.read(upToCount: 4 << 20), !chunk.isEmpty { d.update(chunk) }
        return d.finalizeHex()
    }
}
