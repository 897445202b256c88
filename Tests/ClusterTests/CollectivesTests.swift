import Testing
@testable import Cluster

extension MPITests {
    /// At size 1 every collective is the identity on the single rank's data.
    @Suite struct Collectives {
        let world = MPIEnvironment.world

        @Test(arguments: [WaitPolicy.default, .blocking])
        func barrierReturns(policy: WaitPolicy) {
            let elapsed = ContinuousClock().measure { world.withWaitPolicy(policy).barrier() }
            #expect(elapsed < .seconds(1), "a size-1 barrier took \(elapsed)")
        }

        @Test(arguments: [WaitPolicy.default, .blocking])
        func allreduceIsIdentityAtSizeOne(policy: WaitPolicy) {
            let comm = world.withWaitPolicy(policy)
            for operation in ReductionOperation.allCases {
                var doubles = (0..<1000).map { Double($0) - 0.25 }
                comm.allreduce(&doubles, operation)
                #expect(doubles == (0..<1000).map { Double($0) - 0.25 }, "\(operation)")
                var bytes: [UInt8] = [0, 128, 255]
                comm.allreduce(&bytes, operation)
                #expect(bytes == [0, 128, 255], "\(operation)")
            }
            var empty: [Int32] = []
            comm.allreduce(&empty, .sum)
            #expect(empty.isEmpty)
            #expect(comm.allreduce(Int64(-7), .max) == -7)
        }

        @Test(arguments: [WaitPolicy.default, .blocking])
        func bcastFromRootZeroKeepsTheRootArray(policy: WaitPolicy) {
            let comm = world.withWaitPolicy(policy)
            let original = (0..<100_000).map { Float($0 % 4099) * 0.25 }
            var values = original
            comm.bcast(&values, root: 0)
            #expect(values == original)
            var empty: [Int16] = []
            comm.bcast(&empty, root: 0)
            #expect(empty.isEmpty)
        }

        @Test func allgatherReturnsOneValuePerRank() {
            #expect(world.allgather(Int32(11)) == [11])
            #expect(world.allgather(2.5) == [2.5])
        }

        @Test(arguments: [WaitPolicy.default, .blocking])
        func alltoallvToSelfReturnsTheSameBuffer(policy: WaitPolicy) {
            let comm = world.withWaitPolicy(policy)
            let buffer = (0..<5000).map { Int64($0 * $0) }
            #expect(comm.alltoallv([buffer]) == [buffer])
            #expect(comm.alltoallv([[Double]()]) == [[]])
        }

        @Test func allreduceLatencyIsPositiveAndFinite() {
            let latency = world.allreduceLatency(elementCount: 1000, repetitions: 20, warmup: 2)
            #expect(latency > .zero)
            #expect(latency < .milliseconds(100), "a size-1 allreduce should take well under 100 ms, took \(latency)")
        }
    }
}
