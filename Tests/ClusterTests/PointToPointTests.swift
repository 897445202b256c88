import Testing
@testable import Cluster

extension MPITests {
    /// At size 1 every message goes to self, so sends are non-blocking (`isend`) followed by `recv`.
    @Suite struct PointToPoint {
        let world = MPIEnvironment.world

        private func roundTrip<Element: MPIScalar>(_ values: [Element], tag: Int, policy: WaitPolicy) -> ReceivedMessage<Element> {
            let comm = world.withWaitPolicy(policy)
            let pending = comm.isend(values, to: 0, tag: tag)
            let message = comm.recv(Element.self, from: 0, tag: tag)
            pending.wait()
            return message
        }

        @Test(arguments: [WaitPolicy.default, .blocking])
        func everyScalarTypeRoundTripsExactly(policy: WaitPolicy) {
            #expect(roundTrip([UInt8](arrayLiteral: 0, 1, 255), tag: 1, policy: policy).values == [0, 1, 255])
            #expect(roundTrip([Int16.min, -1, Int16.max], tag: 2, policy: policy).values == [Int16.min, -1, Int16.max])
            #expect(roundTrip([Int32.min, 7, Int32.max], tag: 3, policy: policy).values == [Int32.min, 7, Int32.max])
            #expect(roundTrip([Int64.min, Int64.max], tag: 4, policy: policy).values == [Int64.min, Int64.max])
            #expect(roundTrip([UInt64.max, 0], tag: 5, policy: policy).values == [UInt64.max, 0])
            #expect(roundTrip([Int.min, 42], tag: 6, policy: policy).values == [Int.min, 42])
            #expect(roundTrip([Float.pi, -0.0, .infinity], tag: 7, policy: policy).values.map(\.bitPattern)
                    == [Float.pi, -0.0, .infinity].map(\.bitPattern))
            #expect(roundTrip([Double.ulpOfOne, 1e300], tag: 8, policy: policy).values == [Double.ulpOfOne, 1e300])
        }

        @Test func receivesMessagesOfUnknownLengthIncludingEmpty() {
            let lengths = [0, 1, 1000, 100_003]
            for (index, length) in lengths.enumerated() {
                let values = (0..<length).map { Double($0) * 0.5 }
                let message = roundTrip(values, tag: 10 + index, policy: .default)
                #expect(message.values == values, "length \(length)")
            }
        }

        @Test func recvFromAnySourceReportsSourceAndTag() {
            let pending = world.isend([UInt8](arrayLiteral: 9, 8, 7), to: 0, tag: 1234)
            let message = world.recv(UInt8.self, from: Communicator.anySource, tag: Communicator.anyTag)
            pending.wait()
            #expect(message.source == 0)
            #expect(message.tag == 1234)
            #expect(message.values == [9, 8, 7])
        }

        @Test func messagesWithDifferentTagsAreMatchedByTag() {
            let first = world.isend([Int32(1)], to: 0, tag: 41)
            let second = world.isend([Int32(2)], to: 0, tag: 42)
            #expect(world.recv(Int32.self, from: 0, tag: 42).values == [2])
            #expect(world.recv(Int32.self, from: 0, tag: 41).values == [1])
            first.wait()
            second.wait()
        }

        @Test func iprobeSeesNothingThenThePendingMessage() throws {
            #expect(world.iprobe(from: Communicator.anySource, tag: 77) == nil)
            let pending = world.isend((0..<17).map(Double.init), to: 0, tag: 77)
            let probed = world.probe(from: 0, tag: 77)
            #expect(probed == ProbedMessage(source: 0, tag: 77, byteCount: 136))
            #expect(probed.count(of: Double.self) == 17)
            #expect(probed.count(of: Int16.self) == 68)
            let seen = try #require(world.iprobe(from: 0, tag: 77))
            #expect(seen == probed, "iprobe leaves the message pending")
            #expect(world.recv(Double.self, from: 0, tag: 77).values.count == 17)
            #expect(world.iprobe(from: 0, tag: 77) == nil)
            pending.wait()
        }

        @Test func probedByteCountThatIsNotWholeElementsHasNoCount() {
            let message = ProbedMessage(source: 0, tag: 0, byteCount: 6)
            #expect(message.count(of: Int32.self) == nil)
            #expect(message.count(of: Int16.self) == 3)
        }

        @Test func pendingSendCompletesAfterReceiveAndWhenDropped() {
            let values = [UInt64](repeating: 3, count: 1 << 20)
            let pending = world.isend(values, to: 0, tag: 90)
            #expect(world.recv(UInt64.self, from: 0, tag: 90).values == values)
            pending.wait()
            #expect(pending.isComplete)
            do { _ = world.isend([Int16(5)], to: 0, tag: 91) }
            #expect(world.recv(Int16.self, from: 0, tag: 91).values == [5])
        }
    }
}
