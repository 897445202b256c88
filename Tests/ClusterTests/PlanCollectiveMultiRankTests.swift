import Foundation
import Store
import Testing
@testable import Cluster

/// The plan's collective optimisation under mpirun (`rtcluster run -n N`): the water-box plan of `PlanKindTests`
/// on 1 rank (one member, in process), 2 ranks (one worker) and 3 ranks (two workers exchanging rounds over the
/// worker communicator) gives bitwise identical /plan/weights, /dose/total and metrics. Skipped when mpirun or
/// the binary is missing.
@Suite(.serialized) struct PlanCollectiveMultiRank {
    static let launcher = MultiRankLauncher()

    @Test(.enabled(if: launcher.unavailableReason == nil, "\(launcher.unavailableReason ?? "")"))
    func planIsIdenticalOnOneTwoAndThreeRanks() throws {
        let cli = try SchedulerCLI(launcher: Self.launcher)
        let caseURL = cli.work.appendingPathComponent("water.h5")
        try CaseFile(ct: PlanKindTests.phantom.ct, structures: PlanKindTests.structures()).write(to: caseURL.path)
        let specURL = cli.work.appendingPathComponent("plan.yaml")
        try PlanKindTests.spec().write(to: specURL, atomically: true, encoding: .utf8)
        let added = try cli.run(["case", "add", caseURL.path, "--id", "water", "--site", "s"])
        try #require(added.status == 0, "case add: \(added.stderr)")
        var reference: ResultFile?
        for ranks in [1, 2, 3] {
            let file = try cli.submitAndDrain(caseID: "water", spec: specURL, ranks: ranks)
            let timings = try #require(file.arrays["/timings/tasks"])
            guard case .float64(let rows) = timings.values else { Issue.record("timings are not float64"); continue }
            // The optimisation phase (phase 1) ran as one task per worker, each on its own rank.
            let optimisationRanks = stride(from: 0, to: rows.count, by: 7).filter { rows[$0] == 1 }.map { Int(rows[$0 + 2]) }
            #expect(optimisationRanks.sorted() == (ranks == 1 ? [0] : Array(1..<ranks)), "\(optimisationRanks)")
            if let reference {
                #expect(file.doseGy == reference.doseGy, "\(ranks) ranks: /dose/total")
                #expect(file.arrays["/plan/weights"] == reference.arrays["/plan/weights"], "\(ranks) ranks: /plan/weights")
                #expect(file.attributes["metrics_json"] == reference.attributes["metrics_json"])
            } else {
                reference = file
            }
        }
    }
}

extension SchedulerCLI {
    /// Submits the job spec at `spec` on `caseID`, drains the queue with `run -n ranks` and returns the job's result
    /// file; records an issue when the run fails and throws unless the job succeeded.
    func submitAndDrain(caseID: String, spec: URL, ranks: Int) throws -> ResultFile {
        let submit = try run(["submit", caseID, spec.path, "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(submit.stdout.utf8)) as? [String: Any]
        let job = try #require((object?["id"] as? NSNumber)?.int64Value, "\(submit.stdout) \(submit.stderr)")
        let drained = try run(["run", "-n", "\(ranks)", "--drain", "--timeout", "300", "--poll-ms", "50"])
        #expect(drained.status == 0, "run -n \(ranks): \(drained.stderr.suffix(2000))")
        let status = try self.status(job)
        try #require(status["state"] as? String == "succeeded", "\(status)")
        return try ResultFile.read(path: dataDir.appendingPathComponent("store/results/job-\(job)/result.h5").path)
    }
}
