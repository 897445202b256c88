/// The members of a collective phase as seen by one of them: every worker runs one task of the phase at the
/// same time and the tasks may combine values with ``allreduceSum(_:)`` and trade data with ``alltoallv(_:)``.
///
/// Every member must make the same sequence of calls with arrays of the same lengths. A member whose task
/// throws does not leave the others waiting: the failure is announced in the next round, where every member
/// throws ``CollectiveError/memberFailed(member:members:message:)`` (see ``CollectiveRound``). Over MPI the
/// members are the worker ranks (member = rank − 1); in process they are threads sharing memory.
public protocol WorkerGroup: AnyObject {
    /// Number of members (the workers of the pool).
    var size: Int { get }
    /// This member's index in 0..<size (task `member` of the phase).
    var member: Int { get }
    /// Replaces `values` with their element-wise sum over all members, added in member order (so the sum is
    /// the same on every member and in every run with the same member count).
    /// - Throws: ``CollectiveError`` when a member failed or the members disagree on the call.
    func allreduceSum(_ values: inout [Double]) throws
    /// Sends `parts[d]` to member d and returns what every member sent to this one, in member order (an
    /// all-to-all; `parts` has one entry per member, this member's own included).
    /// - Throws: ``CollectiveError`` when a member failed or the members disagree on the call.
    func alltoallv(_ parts: [[Int32]]) throws -> [[Int32]]
}

/// Why a collective phase ended early on a member.
public enum CollectiveError: Error, Equatable, CustomStringConvertible {
    /// Member `member` (or the group itself when nil: members disagreed on the sequence of calls) failed with
    /// `message`; every member stops.
    case memberFailed(member: Int?, members: Int, message: String)

    public var description: String {
        switch self {
        case .memberFailed(let member?, let members, let message): return "member \(member) of \(members) failed: \(message)"
        case .memberFailed(nil, let members, let message): return "collective of \(members) members failed: \(message)"
        }
    }
}
