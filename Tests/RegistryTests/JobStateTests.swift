import Testing
@testable import Registry

@Suite("Job state machine")
struct JobStateTests {
    /// The six legal transitions, written out independently of the implementation.
    static let legal: Set<[JobState]> = [
        [.queued, .running], [.queued, .cancelled],
        [.running, .succeeded], [.running, .failed], [.running, .cancelled], [.running, .queued],
    ]

    @Test("All 25 (from, to) pairs: exactly the six documented transitions are legal")
    func fullMatrix() {
        var legalCount = 0
        for from in JobState.allCases {
            for to in JobState.allCases {
                let expected = Self.legal.contains([from, to])
                #expect(from.canTransition(to: to) == expected, "\(from) → \(to)")
                if from.canTransition(to: to) { legalCount += 1 }
            }
        }
        #expect(legalCount == 6)
    }

    @Test("Final states are exactly succeeded, failed, cancelled and have no way out")
    func terminalStates() {
        #expect(JobState.allCases.filter(\.isTerminal) == [.succeeded, .failed, .cancelled])
        for state in JobState.allCases where state.isTerminal {
            #expect(JobState.allCases.allSatisfy { !state.canTransition(to: $0) })
        }
    }

    @Test("Illegal transition errors say which job, from where to where, and why")
    func illegalTransitionDescription() {
        let final = RegistryError.illegalTransition(job: 7, from: .succeeded, to: .cancelled).description
        #expect(final == "job 7 cannot go from succeeded to cancelled: succeeded is a final state")
        let open = RegistryError.illegalTransition(job: 8, from: .queued, to: .succeeded).description
        #expect(open == "job 8 cannot go from queued to succeeded (from queued only: running, cancelled)")
    }
}
