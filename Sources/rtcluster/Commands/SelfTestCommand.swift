import ArgumentParser
import Cluster
import Foundation

/// `rtcluster selftest`: checks every MPI operation the scheduler relies on, across the ranks of
/// the MPI world it is started in.
struct SelfTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "selftest",
        abstract: "Check the MPI world: point-to-point, collectives, large messages, with exact expected values.",
        discussion: helpText("""
        Run it under mpirun on a new cluster or allocation; rank 0 prints the report. Exit code 0
        when every check passes on every rank, 1 otherwise.
        Examples:
          rtcluster selftest                        # one process (world of size 1)
          scripts/mpirun.sh -n 4 .build/release/rtcluster selftest --json
          srun rtcluster selftest --latency         # inside a Slurm allocation
        """)
    )
    @Flag(help: "Print the report as JSON (rank 0 only).") var json = false
    @Flag(help: "Also measure the mean latency of an allreduce of 1000 doubles.") var latency = false

    func run() throws {
        let world = MPIEnvironment.initialize()
        let report = runSelfTest(on: world)
        let latencyMicroseconds = latency ? world.allreduceLatency().microseconds : nil
        if world.rank == 0 {
            if json {
                try Output.json(report)
            } else {
                print(report.summary)
                if let latencyMicroseconds {
                    print(String(format: "allreduce of 1000 doubles on %d ranks: %.1f µs", world.size, latencyMicroseconds))
                }
            }
        }
        MPIEnvironment.finalize()
        if !report.ok { throw ExitCode(ExitStatus.checkFailed.rawValue) }
    }
}

extension Duration {
    /// The duration in microseconds.
    var microseconds: Double {
        let (s, attoseconds) = components
        return Double(s) * 1e6 + Double(attoseconds) / 1e12
    }
}
