import Foundation
import Store
@testable import Cluster

/// The test double of collective phases: one collective phase in which every member makes `rounds`
/// `allreduceSum` calls of `length` values (member m, round r, element i contributes (m + 1) · 0.1 + i · 0.001 + r)
/// and returns everything it received. The spec text is `key=value` words: `rounds=3 length=4 fail=1.2` (member 1
/// throws before its round-2 call; `fail=1.end` after its last call; `tasks=3` gives the phase 3 tasks whatever
/// the member count).
struct SummingKind: JobKindPlugin {
    var name = "summing"
    /// Called when a member's task starts (member index).
    var onExecute: @Sendable (_ member: Int) -> Void = { _ in }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    func start(_ job: JobContext) throws -> any JobRun {
        let settings = try CountingKind.settings(job.job.spec)
        return SummingRun(rounds: Int(settings["rounds"] ?? "1") ?? 1, length: Int(settings["length"] ?? "1") ?? 1, fail: settings["fail"] ?? "",
                          tasks: settings["tasks"].flatMap { Int($0) })
    }

    func execute(phase: Int, input: TaskPayload) throws -> TaskPayload {
        throw Failure(description: "summing tasks are collective")
    }

    func executeCollective(phase: Int, input: TaskPayload, group: any WorkerGroup) throws -> TaskPayload {
        onExecute(group.member)
        let sizes = try input.int64s("sizes"), fail = try input.text("fail")
        var received: [Double] = []
        for round in 0..<Int(sizes[0]) {
            if fail == "\(group.member).\(round)" { throw Failure(description: "injected failure of member \(group.member) in round \(round)") }
            var values = (0..<Int(sizes[1])).map { Self.contribution(member: group.member, round: round, element: $0) }
            try group.allreduceSum(&values)
            received += values
        }
        if fail == "\(group.member).end" { throw Failure(description: "injected failure of member \(group.member) at the end") }
        return TaskPayload(["received": .float64(received), "group": .int64([Int64(group.member), Int64(group.size)])])
    }

    /// What member `member` contributes to element `element` of round `round`.
    static func contribution(member: Int, round: Int, element: Int) -> Double {
        Double(member + 1) * 0.1 + Double(element) * 0.001 + Double(round)
    }

    /// The member-order sum the members must receive for `members`, `rounds` and `length`.
    static func expected(members: Int, rounds: Int, length: Int) -> [Double] {
        var sums: [Double] = []
        for round in 0..<rounds {
            for element in 0..<length {
                var sum = 0.0
                for member in 0..<members { sum += contribution(member: member, round: round, element: element) }
                sums.append(sum)
            }
        }
        return sums
    }
}

/// The coordinator side of `SummingKind`: the collective phase, then a result with every member's values.
final class SummingRun: JobRun {
    let rounds: Int, length: Int, fail: String
    /// Tasks to give the phase instead of one per member (to test the coordinator's check).
    let tasks: Int?

    init(rounds: Int, length: Int, fail: String, tasks: Int?) {
        (self.rounds, self.length, self.fail, self.tasks) = (rounds, length, fail, tasks)
    }

    func firstStep() throws -> JobStep {
        let task = TaskPayload(["sizes": .int64([Int64(rounds), Int64(length)]), "fail": .text(fail)])
        return .collective { [tasks] members in Array(repeating: task, count: tasks ?? members) }
    }

    func nextStep(after results: [TaskPayload]) throws -> JobStep {
        var arrays: [String: ResultArray] = [:]
        for (member, result) in results.enumerated() {
            arrays["/received/\(member)"] = ResultArray(.float64(try result.float64s("received")))
            arrays["/group/\(member)"] = ResultArray(.int64(try result.int64s("group")))
        }
        return .finished(JobOutcome(result: ResultFile(arrays: arrays), summary: "\(results.count) members"))
    }
}
