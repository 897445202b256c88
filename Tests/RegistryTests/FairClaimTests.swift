import Foundation
import Testing
@testable import Registry

/// `claimNextJob(owner:leaseSeconds:rotatingAfterSite:)`: priority first, then round-robin over sites.
@Suite struct FairClaimTests {
    @Test func equalPriorityJobsAlternateBetweenSites() throws {
        try withScratchRegistry { registry, _ in
            _ = try registry.addCase(sampleCase(id: "a-1", site: "site-a"))
            _ = try registry.addCase(sampleCase(id: "b-1", site: "site-b"))
            // Site a floods the queue first; site b submits later.
            var ids: [String: [Int64]] = [:]
            for i in 0..<4 { ids["a", default: []].append(try registry.submitJob(caseID: "a-1", kind: "segment", specText: "x", now: t0 + Double(i)).id) }
            for i in 0..<2 { ids["b", default: []].append(try registry.submitJob(caseID: "b-1", kind: "segment", specText: "x", now: t0 + 10 + Double(i)).id) }
            var previous: String?
            var order: [Int64] = []
            var sites: [String] = []
            while let claim = try registry.claimNextJob(owner: "run-1", leaseSeconds: 60, rotatingAfterSite: previous, now: t0 + 100) {
                order.append(claim.job.id)
                sites.append(claim.site)
                previous = claim.site
            }
            #expect(sites == ["site-a", "site-b", "site-a", "site-b", "site-a", "site-a"])
            #expect(order == [ids["a"]![0], ids["b"]![0], ids["a"]![1], ids["b"]![1], ids["a"]![2], ids["a"]![3]])
        }
    }

    @Test func higherPriorityComesBeforeRotation() throws {
        try withScratchRegistry { registry, _ in
            _ = try registry.addCase(sampleCase(id: "a-1", site: "site-a"))
            _ = try registry.addCase(sampleCase(id: "b-1", site: "site-b"))
            let low = try registry.submitJob(caseID: "b-1", kind: "segment", specText: "x", priority: 100, now: t0)
            let high = try registry.submitJob(caseID: "a-1", kind: "segment", specText: "x", priority: 900, now: t0 + 1)
            let first = try #require(try registry.claimNextJob(owner: "r", leaseSeconds: 60, rotatingAfterSite: "site-a", now: t0 + 2))
            #expect(first.job.id == high.id)
            #expect(first.job.state == .running && first.job.attempts == 1 && first.job.leaseOwner == "r")
            let second = try #require(try registry.claimNextJob(owner: "r", leaseSeconds: 60, rotatingAfterSite: first.site, now: t0 + 2))
            #expect(second.job.id == low.id)
            #expect(try registry.claimNextJob(owner: "r", leaseSeconds: 60, rotatingAfterSite: nil, now: t0 + 2) == nil)
        }
    }
}
