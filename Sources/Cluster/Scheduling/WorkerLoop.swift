import Logging

/// The program of ranks 1…N-1: receive a task from rank 0, run it, send the reply; until `shutdown`.
///
/// Waiting for the next message uses the communicator's polling wait (sleeps, no spinning core). A message that
/// cannot be decoded means the protocol is broken: it is logged and the world is aborted.
public enum WorkerLoop {
    /// Serves tasks from rank 0 of `communicator` until told to shut down.
    public static func run(communicator: Communicator, catalog: KindCatalog, logger: Logger = Logger(label: "rtcluster.worker")) {
        let executor = TaskExecutor(catalog: catalog, rank: communicator.rank, logger: logger)
        while true {
            let message = communicator.recv(UInt8.self, from: 0, tag: Communicator.anyTag)
            let decoded: ClusterMessage
            do {
                decoded = try ClusterMessage.decode(message.values)
            } catch {
                MPIEnvironment.fatal("rank \(communicator.rank) received an undecodable message (tag \(message.tag)): \(error)")
            }
            switch decoded {
            case .shutdown:
                return
            case .task(let address, let kind, let input):
                let reply = executor.run(address: address, kind: kind, input: input)
                communicator.send(reply.encoded(), to: 0, tag: reply.tag.rawValue)
            case .result, .failure:
                MPIEnvironment.fatal("rank \(communicator.rank) received a \(decoded.tag) message, which only rank 0 accepts")
            }
        }
    }
}
