import Testing
@testable import Cluster

extension MPITests {
    @Suite struct Environment {
        @Test func initialisesWithoutMpirunAsSingletonWorld() {
            let world = MPIEnvironment.initialize()
            #expect(MPIEnvironment.isInitialized)
            #expect(!MPIEnvironment.isFinalized)
            #expect(world.size == 1)
            #expect(world.rank == 0)
            #expect(world.waitPolicy == .default)
        }

        @Test func initialiseIsIdempotent() {
            let first = MPIEnvironment.initialize()
            let second = MPIEnvironment.initialize(threadSupport: .multiple)
            #expect(first.rank == second.rank && first.size == second.size)
            #expect(MPIEnvironment.world.size == first.size)
        }

        @Test func providesAtLeastSerializedThreadSupport() throws {
            _ = MPIEnvironment.world
            let support = try #require(MPIEnvironment.threadSupport)
            #expect(support >= .serialized)
        }

        @Test func processorNameIsTheHostName() {
            let name = MPIEnvironment.processorName
            #expect(!name.isEmpty)
            #expect(!name.contains("\0"))
        }

        @Test func threadSupportLevelsRoundTripThroughMPIConstants() {
            for level in ThreadSupport.allCases {
                #expect(ThreadSupport(mpiLevel: level.mpiLevel) == level)
            }
        }
    }
}
