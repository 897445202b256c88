import Foundation

/// The shared-memory rendezvous of an in-process collective phase (one thread per member): each round waits
/// until every member has contributed; the last to arrive combines the contributions in member order and
/// wakes the others, who all read the same outcome.
final class LocalCollectiveHub: @unchecked Sendable {
    let size: Int
    private let condition = NSCondition()
    private var contributions: [CollectiveRound.Contribution?]
    private var arrived = 0
    private var generation = 0
    private var outcome = CollectiveRound.Outcome.done
    /// The parts of the current all-to-all, `mailbox[source][destination]`.
    private var mailbox: [[[Int32]]]

    init(size: Int) {
        self.size = size
        contributions = Array(repeating: nil, count: size)
        mailbox = Array(repeating: [], count: size)
    }

    /// The handle of member `member`.
    func member(_ member: Int) -> CollectiveMember {
        CollectiveMember(member: member, size: size, exchange: { [self] in exchange(member: member, $0) },
                         transfer: { [self] in transfer(member: member, $0) })
    }

    /// Contributes to the current round and waits for its outcome. A member cannot start the next round before
    /// every member has read this one's outcome, since the next round needs all of them.
    func exchange(member: Int, _ contribution: CollectiveRound.Contribution) -> CollectiveRound.Outcome {
        condition.lock()
        defer { condition.unlock() }
        contributions[member] = contribution
        meet {
            outcome = CollectiveRound.combine(contributions.map { $0! })
            contributions = Array(repeating: nil, count: size)
        }
        return outcome
    }

    /// Delivers this member's parts and, once every member has delivered, returns the parts addressed to it and
    /// empties their slots (each slot has one reader). No member can deliver to the next exchange before every
    /// member has read this one: the next exchange starts with a round (``CollectiveMember/alltoallv(_:)``), which
    /// needs all of them.
    func transfer(member: Int, _ parts: [[Int32]]) -> [[Int32]] {
        condition.lock()
        defer { condition.unlock() }
        mailbox[member] = parts
        meet {}
        let received = mailbox.map { $0[member] }
        for source in 0..<size { mailbox[source][member] = [] }
        return received
    }

    /// With the lock held: counts this member in and waits until every member has arrived; the last to arrive
    /// runs `complete` and wakes the others. Rounds and transfers share the count, since every member makes the
    /// same sequence of calls.
    private func meet(_ complete: () -> Void) {
        let round = generation
        arrived += 1
        if arrived == size {
            complete()
            arrived = 0
            generation += 1
            condition.broadcast()
        } else {
            while generation == round { condition.wait() }
        }
    }
}
