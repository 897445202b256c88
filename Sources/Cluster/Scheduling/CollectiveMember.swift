/// A member's handle on a collective phase: turns `allreduceSum` calls and the end of its task into rounds
/// (``CollectiveRound``) exchanged through `exchange`, which blocks until every member contributed to the round
/// and returns the common outcome. An `alltoallv` is a round of no values (every member is alive and has reached
/// a collective call; a failed member is announced here), then the data moved by `transfer`.
///
/// ``run(_:)`` wraps the task: when it returns, the member contributes `done`; when it throws an error of its
/// own, the member contributes `failed` with the error's text, so the others throw at their next call. After a
/// failed round every later call throws the same ``CollectiveError`` without exchanging anything.
final class CollectiveMember: WorkerGroup {
    typealias Exchange = (CollectiveRound.Contribution) -> CollectiveRound.Outcome
    /// The all-to-all proper: this member's parts for every member in, the parts every member sent it out.
    typealias Transfer = ([[Int32]]) -> [[Int32]]

    let size: Int
    let member: Int
    private let exchange: Exchange
    private let transfer: Transfer
    private var failure: CollectiveError?

    init(member: Int, size: Int, exchange: @escaping Exchange, transfer: @escaping Transfer) {
        self.member = member
        self.size = size
        self.exchange = exchange
        self.transfer = transfer
    }

    func allreduceSum(_ values: inout [Double]) throws {
        if let failure { throw failure }
        values = try settle(exchange(.data(values)))
    }

    func alltoallv(_ parts: [[Int32]]) throws -> [[Int32]] {
        if let failure { throw failure }
        guard parts.count == size else {
            throw CollectiveError.memberFailed(member: member, members: size, message: "alltoallv with \(parts.count) parts for \(size) members")
        }
        _ = try settle(exchange(.data([])))
        return transfer(parts)
    }

    /// Runs the member's task and the closing round; throws the task's error or the group's failure.
    func run(_ task: (any WorkerGroup) throws -> TaskPayload) throws -> TaskPayload {
        let output: TaskPayload
        do {
            output = try task(self)
        } catch {
            if failure == nil { _ = try? settle(exchange(.failed(String(describing: error)))) }
            throw error
        }
        if let failure { throw failure }
        let closing = exchange(.done)
        if closing == .done { return output }
        _ = try settle(closing)
        throw CollectiveError.memberFailed(member: nil, members: size, message: "the closing round returned values")
    }

    /// The summed values of a data round; remembers and throws a failure.
    private func settle(_ outcome: CollectiveRound.Outcome) throws -> [Double] {
        do {
            return try CollectiveRound.values(of: outcome, members: size)
        } catch let error as CollectiveError {
            failure = error
            throw error
        }
    }
}
