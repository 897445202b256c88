/// The rounds of a collective phase over the worker communicator: members send their contribution to member 0
/// (tag 201), which receives them in member order, combines them (``CollectiveRound/combine(_:)``) and sends the
/// outcome to every member (tag 202). Point-to-point messages, because a member that failed must be able to
/// answer a round whose length it does not know. An `alltoallv`'s data, once every member has agreed to it in a
/// round, moves with `MPI_Alltoallv` on the worker communicator. Per `allreduceSum` of n values member 0 receives and sends
/// (members − 1) × 8n bytes, every other member sends and receives 8n bytes.
enum MPICollectiveExchange {
    static let contributionTag = 201
    static let outcomeTag = 202

    /// The handle of this rank's member on `communicator` (member = rank in it).
    static func member(on communicator: Communicator) -> CollectiveMember {
        CollectiveMember(member: communicator.rank, size: communicator.size, exchange: { exchange($0, on: communicator) },
                         transfer: { communicator.alltoallv($0) })
    }

    static func exchange(_ contribution: CollectiveRound.Contribution, on communicator: Communicator) -> CollectiveRound.Outcome {
        let members = communicator.size
        if communicator.rank != 0 {
            communicator.send(CollectiveRound.encode(contribution), to: 0, tag: contributionTag)
            let reply = communicator.recv(UInt8.self, from: 0, tag: outcomeTag)
            do {
                return try CollectiveRound.decodeOutcome(reply.values)
            } catch {
                MPIEnvironment.fatal("member \(communicator.rank) of \(members) received a broken collective outcome: \(error)")
            }
        }
        var contributions = [contribution]
        for source in 1..<members {
            let received = communicator.recv(UInt8.self, from: source, tag: contributionTag)
            do {
                contributions.append(try CollectiveRound.decodeContribution(received.values))
            } catch {
                MPIEnvironment.fatal("member 0 of \(members) received a broken collective contribution from member \(source): \(error)")
            }
        }
        let outcome = CollectiveRound.combine(contributions)
        let bytes = CollectiveRound.encode(outcome)
        let sends = (1..<members).map { communicator.isend(bytes, to: $0, tag: outcomeTag) }
        for send in sends { send.wait() }
        return outcome
    }
}
