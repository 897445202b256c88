import Foundation
import GRDB

extension Registry {
    /// Claims the next queued job like `claimNextJob`, but shares the queue fairly between sites: among
    /// the queued jobs of the highest priority, it takes the oldest job of the first site (in name order)
    /// that comes after `previousSite`, wrapping around; with `previousSite` nil, the first site. A
    /// coordinator that passes the site of its previous claim therefore serves sites round-robin at
    /// equal priority, so a site that submitted many jobs cannot starve the others. Higher priorities
    /// still come first. Returns the claimed job and its site, or nil when nothing is queued.
    public func claimNextJob(owner: String, leaseSeconds: Double, rotatingAfterSite previousSite: String?,
                             now: Date = Date()) throws -> (job: JobRecord, site: String)? {
        try claimNextJob(owner: owner, leaseSeconds: leaseSeconds, now: now, excluding: [], choosing: { db in
            guard let top = try Int.fetchOne(db, sql: "SELECT MAX(priority) FROM jobs WHERE state = ?", arguments: [JobState.queued])
            else { return nil }
            let sites = try String.fetchAll(db, sql: """
                SELECT DISTINCT c.site FROM jobs j JOIN cases c ON c.id = j.case_id
                WHERE j.state = ? AND j.priority = ? ORDER BY c.site
                """, arguments: [JobState.queued, top])
            guard let site = sites.first(where: { site in previousSite.map { site > $0 } ?? true }) ?? sites.first else { return nil }
            let job = try JobRecord.fetchOne(db, sql: """
                SELECT j.* FROM jobs j JOIN cases c ON c.id = j.case_id
                WHERE j.state = ? AND j.priority = ? AND c.site = ?
                ORDER BY j.submitted_at, j.id LIMIT 1
                """, arguments: [JobState.queued, top, site])
            return job.map { ($0, site) }
        }).map { (job: $0.job, site: $0.extra) }
    }
}
