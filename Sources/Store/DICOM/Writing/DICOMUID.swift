/// Generation of DICOM unique identifiers.
///
/// rtcluster generates UIDs under the root `2.25` (PS3.5 B.2: a UUID written as one unsigned
/// decimal integer), from 122 random bits of a version 4 UUID, so no registered org root is needed.
public enum DICOMUID {
    /// The root of generated UIDs.
    public static let root = "2.25"

    /// A new UID "2.25.<random UUID as a decimal integer>" (at most 44 characters).
    public static func generate() -> String {
        var high = UInt64.random(in: 0...UInt64.max)
        var low = UInt64.random(in: 0...UInt64.max)
        high = (high & ~0xF000) | 0x4000                 // version 4
        low = (low & ~(UInt64(0xC) << 60)) | (UInt64(0x8) << 60) // variant 10
        return root + "." + decimal(high: high, low: low)
    }

    /// A stable UID "2.25.<n>" for `name`: n is the first 128 bits of SHA-256(name) with the
    /// version 8 and variant bits of a name-based UUID (RFC 9562), so the same name always gives
    /// the same UID (e.g. the study of a phantom case exported twice).
    public static func derived(from name: String) -> String {
        let hex = Array(SHA256.hex(of: Array(name.utf8)).utf8)
        func word(_ range: Range<Int>) -> UInt64 { UInt64(String(decoding: hex[range], as: UTF8.self), radix: 16)! }
        let high = (word(0..<16) & ~0xF000) | 0x8000
        let low = (word(16..<32) & ~(UInt64(0xC) << 60)) | (UInt64(0x8) << 60)
        return root + "." + decimal(high: high, low: low)
    }

    /// The decimal digits of the 128-bit number high·2^64 + low.
    static func decimal(high: UInt64, low: UInt64) -> String {
        var words = [UInt32(high >> 32), UInt32(high & 0xFFFF_FFFF), UInt32(low >> 32), UInt32(low & 0xFFFF_FFFF)]
        var digits: [Character] = []
        while words.contains(where: { $0 != 0 }) {
            var remainder: UInt64 = 0
            for k in 0..<words.count {
                let value = remainder << 32 | UInt64(words[k])
                words[k] = UInt32(value / 10)
                remainder = value % 10
            }
            digits.append(Character(String(remainder)))
        }
        return digits.isEmpty ? "0" : String(digits.reversed())
    }
}
