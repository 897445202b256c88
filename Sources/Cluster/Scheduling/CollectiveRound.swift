/// One round of a collective phase: every member contributes, and all members get the same outcome.
///
/// A member contributes its values to an `allreduceSum` (`data`), the end of its task (`done`) or the error its
/// task threw (`failed`). The outcome is the member-order sum when all passed data of one length, `done` when
/// all are done, and otherwise a failure naming the lowest failed member; so every member leaves the phase after
/// the same round and no member waits for one that has stopped. Contributions and outcomes travel as bytes
/// over MPI (kind byte, then little-endian Float64 values or UTF-8 text; a failed outcome carries the member as
/// Int32, −1 for none).
enum CollectiveRound {
    enum Contribution: Equatable {
        case data([Double])
        case done
        case failed(String)
    }

    enum Outcome: Equatable {
        case sum([Double])
        case done
        case failed(member: Int?, message: String)
    }

    /// The outcome of a round from the contributions in member order.
    static func combine(_ contributions: [Contribution]) -> Outcome {
        for (member, c) in contributions.enumerated() {
            if case .failed(let message) = c { return .failed(member: member, message: message) }
        }
        if contributions.allSatisfy({ $0 == .done }) { return .done }
        var data: [[Double]] = []
        for (member, c) in contributions.enumerated() {
            guard case .data(let values) = c else {
                return .failed(member: nil, message: "member \(member) ended its task while others called allreduceSum")
            }
            if let first = data.first, first.count != values.count {
                return .failed(member: nil, message: "member \(member) passed \(values.count) values to allreduceSum, member 0 \(first.count)")
            }
            data.append(values)
        }
        var sum = data.first ?? []
        for values in data.dropFirst() {
            for i in sum.indices { sum[i] += values[i] }
        }
        return .sum(sum)
    }

    /// The values of a data round, or the error every member throws.
    static func values(of outcome: Outcome, members: Int) throws -> [Double] {
        switch outcome {
        case .sum(let values): return values
        case .failed(let member, let message): throw CollectiveError.memberFailed(member: member, members: members, message: message)
        case .done: throw CollectiveError.memberFailed(member: nil, members: members, message: "the round ended while values were due")
        }
    }

    static func encode(_ contribution: Contribution) -> [UInt8] {
        var writer = ByteWriter()
        switch contribution {
        case .data(let values): writer.write(UInt8(1)); writer.writeElements(values)
        case .done: writer.write(UInt8(2))
        case .failed(let message): writer.write(UInt8(3)); writer.writeElements(Array(message.utf8))
        }
        return writer.bytes
    }

    static func decodeContribution(_ bytes: [UInt8]) throws -> Contribution {
        var reader = ByteReader(bytes)
        switch try reader.read(UInt8.self, "kind of a collective contribution") {
        case 1: return .data(try doubles(&reader))
        case 2 where reader.remaining == 0: return .done
        case 3: return .failed(try text(&reader))
        default: throw WireError.malformed("not a collective contribution")
        }
    }

    static func encode(_ outcome: Outcome) -> [UInt8] {
        var writer = ByteWriter()
        switch outcome {
        case .sum(let values): writer.write(UInt8(1)); writer.writeElements(values)
        case .done: writer.write(UInt8(2))
        case .failed(let member, let message):
            writer.write(UInt8(3))
            writer.write(Int32(member ?? -1))
            writer.writeElements(Array(message.utf8))
        }
        return writer.bytes
    }

    static func decodeOutcome(_ bytes: [UInt8]) throws -> Outcome {
        var reader = ByteReader(bytes)
        switch try reader.read(UInt8.self, "kind of a collective outcome") {
        case 1: return .sum(try doubles(&reader))
        case 2 where reader.remaining == 0: return .done
        case 3:
            let member = Int(try reader.read(Int32.self, "failed member"))
            return .failed(member: member >= 0 ? member : nil, message: try text(&reader))
        default: throw WireError.malformed("not a collective outcome")
        }
    }

    /// The rest of the bytes as Float64 values, copied in one block.
    private static func doubles(_ reader: inout ByteReader) throws -> [Double] {
        guard reader.remaining % 8 == 0 else { throw WireError.malformed("\(reader.remaining) bytes are not whole Float64 values") }
        return try reader.readElements(Double.self, count: reader.remaining / 8, "collective values")
    }

    /// The rest of the bytes as UTF-8 text (invalid sequences replaced).
    private static func text(_ reader: inout ByteReader) throws -> String {
        String(decoding: try reader.readBytes(reader.remaining, "collective message"), as: UTF8.self)
    }
}
