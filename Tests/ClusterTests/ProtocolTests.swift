import Testing
@testable import Cluster

/// The versioned binary message encoding: exact round trips, and errors (never traps) on damaged input.
@Suite struct ProtocolTests {
    static let payload = TaskPayload([
        "ct": .int16([-1000, 0, 1500, Int16.min, Int16.max]),
        "mask": .uint8([0, 1, 255]),
        "labels": .int32([Int32.min, -1, 7]),
        "ids": .int64([Int64.max, 0]),
        "dose": .float32([0.5, -0.0, Float.greatestFiniteMagnitude]),
        "stats": .float64([Double.pi, 1e-300, .infinity]),
        "name": .text("lung_left ✓"),
        "empty": .float64([]),
    ])
    static let address = TaskAddress(jobID: 9_000_000_000, phase: 3, index: 41)

    static let messages: [ClusterMessage] = [
        .task(address: address, kind: "segment", input: payload),
        .result(address: address, seconds: 0.125, output: payload),
        .result(address: address, seconds: 0, output: TaskPayload()),
        .failure(address: address, message: "slab 3: CT has no body voxels"),
        .shutdown,
    ]

    @Test(arguments: messages) func roundTripIsExact(message: ClusterMessage) throws {
        let bytes = message.encoded()
        #expect(Array(bytes.prefix(4)) == Array("RTCM".utf8))
        #expect(bytes[4] == 2 && bytes[5] == 0, "version 2, little-endian")
        #expect(try ClusterMessage.decode(bytes) == message)
        #expect(message.encoded() == bytes, "encoding is deterministic (fields sorted by name)")
    }

    @Test func everyTruncationIsRejected() throws {
        for message in Self.messages {
            let bytes = message.encoded()
            for length in 0..<bytes.count {
                #expect(throws: WireError.self, "prefix of \(length) of \(bytes.count) bytes") {
                    try ClusterMessage.decode(Array(bytes.prefix(length)))
                }
            }
        }
    }

    @Test func headerErrorsAreNamed() throws {
        var bytes = ClusterMessage.shutdown.encoded()
        #expect(throws: WireError.unsupportedVersion(1)) { try ClusterMessage.decode(Array(bytes[0..<4]) + [1, 0, 4]) }
        #expect(throws: WireError.unknownMessageType(9)) { try ClusterMessage.decode(Array(bytes[0..<6]) + [9]) }
        #expect(throws: WireError.badMagic) { try ClusterMessage.decode(Array("XXXX".utf8) + [1, 0, 4]) }
        bytes.append(0)
        #expect(throws: WireError.self) { try ClusterMessage.decode(bytes) }
    }

    @Test func hugeCountsFailWithoutAllocating() throws {
        // A task whose single payload field claims 2^62 int64 elements.
        var writer = ByteWriter()
        for b in ClusterMessage.magic { writer.write(b) }
        writer.write(ClusterMessage.protocolVersion); writer.write(UInt8(1))
        Self.address.encode(into: &writer)
        writer.write("segment")
        writer.write(UInt32(1)); writer.write("x"); writer.write(UInt8(4)); writer.write(UInt64(1) << 62)
        #expect(throws: WireError.truncated(what: "x")) { try ClusterMessage.decode(writer.bytes) }
    }

    @Test func randomGarbageNeverTraps() {
        var generator = SystemRandomNumberGenerator()
        let valid = Self.messages[0].encoded()
        for trial in 0..<2000 {
            var bytes = valid
            // Flip a few bytes after the header, or send pure noise.
            if trial % 4 == 0 {
                bytes = (0..<Int.random(in: 0..<64, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            } else {
                for _ in 0..<3 { bytes[Int.random(in: 7..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator) }
            }
            _ = try? ClusterMessage.decode(bytes)
        }
    }

    @Test func payloadAccessorsReportMissingAndMistypedFields() throws {
        let payload = Self.payload
        #expect(try payload.int16s("ct") == [-1000, 0, 1500, Int16.min, Int16.max])
        #expect(throws: WireError.missingField("nope")) { try payload.uint8s("nope") }
        #expect(throws: WireError.typeMismatch(field: "ct", expected: "uint8", found: "int16")) { try payload.uint8s("ct") }
        #expect(payload.byteCount == 10 + 3 + 12 + 16 + 12 + 24 + "lung_left ✓".utf8.count)
    }

    @Test func duplicateFieldsAreRejected() throws {
        var writer = ByteWriter()
        for b in ClusterMessage.magic { writer.write(b) }
        writer.write(ClusterMessage.protocolVersion); writer.write(UInt8(2))
        Self.address.encode(into: &writer)
        writer.write(1.0)
        writer.write(UInt32(2))
        for _ in 0..<2 { writer.write("a"); writer.write(UInt8(1)); writer.write(UInt64(1)); writer.write(UInt8(7)) }
        #expect(throws: WireError.malformed("duplicate payload field a")) { try ClusterMessage.decode(writer.bytes) }
    }
}
