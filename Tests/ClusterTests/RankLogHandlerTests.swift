import Foundation
import Logging
import Testing
@testable import Cluster

/// The log line layout `time level rank job task message [metadata]`.
@Suite struct RankLogHandlerTests {
    @Test func lineCarriesRankJobAndTask() {
        let event = LogEvent(level: .warning, message: "task failed: bad slab", metadata: ["job": "12", "task": "2.3", "slot": "4"],
                             source: "Cluster", file: #fileID, function: #function, line: #line)
        let line = RankLogHandler.format(event: event, rank: 3, handlerMetadata: ["host": "n1"], date: Date(timeIntervalSince1970: 0))
        #expect(line == "1970-01-01T00:00:00.000 warning rank=3 job=12 task=2.3 task failed: bad slab [host=n1 slot=4]\n")
        let bare = LogEvent(level: .info, message: "starts", metadata: nil, source: "", file: "", function: "", line: 0)
        #expect(RankLogHandler.format(event: bare, rank: 0, handlerMetadata: [:], date: Date(timeIntervalSince1970: 0))
                == "1970-01-01T00:00:00.000 info rank=0 job=- task=- starts\n")
    }
}
