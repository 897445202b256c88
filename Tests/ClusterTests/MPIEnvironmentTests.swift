import Foundation
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

        /// The singleton is isolated: no `orted` child, which would inherit the descriptors open at initialisation
        /// (locked HDF5 files, pipes of processes started alongside) and keep them to the process's end.
        @Test func singletonWorldForksNoDaemon() throws {
            _ = MPIEnvironment.initialize()
            let me = getpid()
            let children = try FileManager.default.contentsOfDirectory(atPath: "/proc").compactMap { entry -> String? in
                guard Int32(entry) != nil, let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                      let close = stat.lastIndex(of: ")") else { return nil }
                // "pid (comm) state ppid ...": the command sits in the parentheses, the parent's pid after the state.
                let fields = stat[stat.index(after: close)...].split(separator: " ")
                guard fields.count > 1, Int32(fields[1]) == me, let open = stat.firstIndex(of: "(") else { return nil }
                return String(stat[stat.index(after: open)..<close])
            }
            #expect(!children.contains("orted"), "children of the test process: \(children)")
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
