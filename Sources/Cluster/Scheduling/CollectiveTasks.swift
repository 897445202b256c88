/// How the tasks of a collective phase are marked: the coordinator adds the field `collective.member`
/// (int64 [member, members]) to task i of a phase of `members` tasks, and the executing rank runs such a task as
/// member i of the group of all workers (see Protocol.md).
enum CollectiveTasks {
    static let field = "collective.member"

    /// `tasks` (one per member, in member order) with their membership field.
    static func marked(_ tasks: [TaskPayload]) -> [TaskPayload] {
        tasks.enumerated().map { member, task in
            var marked = task
            marked[field] = .int64([Int64(member), Int64(tasks.count)])
            return marked
        }
    }

    /// The (member, members) of a collective task, nil for an ordinary task; throws when the field is malformed.
    static func membership(of task: TaskPayload) throws -> (member: Int, members: Int)? {
        guard task[field] != nil else { return nil }
        let values = try task.int64s(field)
        guard values.count == 2, values[1] >= 1, (0..<values[1]).contains(values[0]) else {
            throw WireError.malformed("\(field) must be [member, members] with 0 ≤ member < members")
        }
        return (Int(values[0]), Int(values[1]))
    }
}
