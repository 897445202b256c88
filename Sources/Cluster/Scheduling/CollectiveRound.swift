import Foundation

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
        switch contribution {
        case .data(let values): return [1] + bytes(of: values)
        case .done: return [2]
        case .failed(let message): return [3] + Array(message.utf8)
        }
    }

    static func decodeContribution(_ bytes: [UInt8]) throws -> Contribution {
        switch bytes.first {
        case 1: return .data(try doubles(bytes.dropFirst()))
        case 2 where bytes.count == 1: return .done
        case 3: return .failed(String(decoding: bytes.dropFirst(), as: UTF8.self))
        default: throw WireError.malformed("not a collective contribution")
        }
    }

    static func encode(_ outcome: Outcome) -> [UInt8] {
        switch outcome {
        case .sum(let values): return [1] + bytes(of: values)
        case .done: return [2]
        case .failed(let member, let message):
            return [3] + withUnsafeBytes(of: Int32(member ?? -1).littleEndian) { Array($0) } + Array(message.utf8)
        }
    }

    static func decodeOutcome(_ bytes: [UInt8]) throws -> Outcome {
        switch bytes.first {
        case 1: return .sum(try doubles(bytes.dropFirst()))
        case 2 where bytes.count == 1: return .done
        case 3 where bytes.count >= 5:
            let raw = bytes[1..<5].enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
            let member = Int(Int32(bitPattern: raw))
            return .failed(member: member >= 0 ? member : nil, message: String(decoding: bytes.dropFirst(5), as: UTF8.self))
        default: throw WireError.malformed("not a collective outcome")
        }
    }

    private static func bytes(of values: [Double]) -> [UInt8] {
        values.map(\.bitPattern.littleEndian).withUnsafeBytes { Array($0) }
    }

    private static func doubles(_ bytes: ArraySlice<UInt8>) throws -> [Double] {
        guard bytes.count % 8 == 0 else { throw WireError.malformed("\(bytes.count) bytes are not whole Float64 values") }
        var bits = [UInt64](repeating: 0, count: bytes.count / 8)
        bits.withUnsafeMutableBytes { $0.copyBytes(from: bytes) }
        return bits.map { Double(bitPattern: UInt64(littleEndian: $0)) }
    }
}
