import Foundation
import Testing
@testable import Cluster

extension MPITests {
    @Suite struct SelfTestAtSizeOne {
        @Test func everyCheckPassesAtSizeOne() {
            let report = runSelfTest(on: MPIEnvironment.world)
            #expect(report.size == 1)
            #expect(report.checks.map(\.name) == SelfTestExpectations.checkNames)
            for check in report.checks { #expect(check.ok, "\(check.name): \(check.detail)") }
            #expect(report.ok)
            #expect(report.summary.hasSuffix("all 10 checks passed on 1 rank"))
        }
    }
}

enum SelfTestExpectations {
    static let checkNames = [
        "init", "barrier", "allgather", "allreduce", "bcast", "send-recv-ring", "recv-any-source", "iprobe",
        "large-message", "alltoallv",
    ]
}

@Suite struct SelfTestReportEncoding {
    @Test func encodesToTheShapeTheCLIPrints() throws {
        let report = SelfTestReport(ok: false, size: 3, checks: [
            SelfTestCheck(name: "barrier", ok: true, detail: "done"),
            SelfTestCheck(name: "bcast", ok: false, detail: "rank 2: element 4 is 1.0, expected 2.0"),
        ])
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(report), as: UTF8.self)
        #expect(json == #"{"checks":[{"detail":"done","name":"barrier","ok":true},"#
                + #"{"detail":"rank 2: element 4 is 1.0, expected 2.0","name":"bcast","ok":false}],"ok":false,"size":3}"#)
        #expect(try JSONDecoder().decode(SelfTestReport.self, from: Data(json.utf8)) == report)
    }

    @Test func summaryListsEveryCheckAndTheVerdict() {
        let report = SelfTestReport(ok: false, size: 2, checks: [
            SelfTestCheck(name: "barrier", ok: true, detail: "done"),
            SelfTestCheck(name: "bcast", ok: false, detail: "rank 0: a\nrank 1: b"),
        ])
        #expect(report.summary == "PASS  barrier: done\nFAIL  bcast: rank 0: a; rank 1: b\n1 of 2 checks failed on 2 ranks")
    }

    @Test func verifierReportsTheFirstMismatch() {
        var verifier = SelfTestVerifier()
        verifier.expectEqual([1, 2, 3], [1, 2, 3], "same")
        #expect(verifier.failures.isEmpty)
        verifier.expectEqual([1, 5, 3, 9], [1, 2, 3, 4], "values")
        verifier.expectEqual([1], [1, 2], "short")
        verifier.expect(false, "explicit")
        #expect(verifier.failures == ["values: element 1 is 5, expected 2", "short: got 1 elements, expected 2", "explicit"])
    }
}
