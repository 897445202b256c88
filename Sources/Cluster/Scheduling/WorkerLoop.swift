import Logging

/// The program of ranks 1…N-1: receive a task from rank 0, run it, send the reply; until `shutdown`. At the
/// start it joins the worker communicator (``Communicator/workerGroupCommunicator()``, matched by
/// `MPIWorkerPool.init` on rank 0) on which the tasks of collective phases exchange their rounds.
///
/// Waiting for the next message uses the communicator's polling wait (sleeps, no spinning core). A message that
/// cannot be decoded means the protocol is broken: it is logged and the world is aborted.
public enum WorkerLoop {
    /// Serves tasks from rank 0 of `communicator` until told to shut down, keeping shared task fields in `cache`.
    public static func run(communicator: Communicator, catalog: KindCatalog, cache: PayloadCache = PayloadCache(),
                           logger: Logger = Logger(label: "rtcluster.worker")) {
        let executor = TaskExecutor(catalog: catalog, rank: communicator.rank, cache: cache, logger: logger)
        let group = communicator.workerGroupCommunicator()
        _ = communicator.allRanksOnNodeOfRankZero()  // rank 0's MPIWorkerPool learns whether the workers share its files
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
                let reply: ClusterMessage
                do {
                    if let membership = try CollectiveTasks.membership(of: input) {
                        guard let group, membership.member == group.rank, membership.members == group.size else {
                            MPIEnvironment.fatal("rank \(communicator.rank) got the task of member \(membership.member) of \(membership.members), "
                                                 + "but is member \(group.map { "\($0.rank) of \($0.size)" } ?? "of no group")")
                        }
                        reply = executor.runCollective(address: address, kind: kind, input: input, member: MPICollectiveExchange.member(on: group))
                    } else {
                        reply = executor.run(address: address, kind: kind, input: input)
                    }
                } catch {
                    MPIEnvironment.fatal("rank \(communicator.rank) received a task with a malformed collective field: \(error)")
                }
                communicator.send(reply.encoded(), to: 0, tag: reply.tag.rawValue)
            case .result, .failure, .miss:
                MPIEnvironment.fatal("rank \(communicator.rank) received a \(decoded.tag) message, which only rank 0 accepts")
            }
        }
    }
}
