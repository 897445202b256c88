import Core
import Foundation
import Registry
import Store
@testable import Cluster

/// A scratch data directory with a registry holding cases on two sites, for in-process coordinator runs. Each case's
/// file is written before it is registered, with the SHA-256 the coordinator checks at every job start: the file given
/// in `cases`, else a 4 × 4 × 4 air CT (for kinds that do not read it).
final class SchedulerFixture {
    let root: URL
    let registry: Registry

    init(cases: [String: CaseFile] = [:]) throws {
        precondition(Set(cases.keys).isSubset(of: ["case-a", "case-b"]), "the fixture has cases case-a and case-b only")
        root = FileManager.default.temporaryDirectory.appendingPathComponent("scheduler-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("store/results"), withIntermediateDirectories: true)
        registry = try Registry(path: root.appendingPathComponent("registry.sqlite").path)
        for (id, site) in [("case-a", "site-a"), ("case-b", "site-b")] {
            let file = try cases[id] ?? CaseFile(ct: CTVolume(grid: Grid(nx: 4, ny: 4, nz: 4, spacingMM: SIMD3(1, 1, 1)), repeating: -1000))
            let url = caseURL(id)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try file.write(to: url.path)
            let g = file.ct.grid
            _ = try registry.addCase(CaseRecord(id: id, site: site, created: Date(), casePath: "store/cases/\(id)/case.h5",
                                                sha256: try SHA256.hex(ofFile: url), nx: g.nx, ny: g.ny, nz: g.nz,
                                                spacingMM: g.spacingMM, structures: file.structures.map(\.name)))
        }
    }

    /// Where case `id`'s file is stored.
    func caseURL(_ id: String) -> URL { root.appendingPathComponent("store/cases/\(id)/case.h5") }

    deinit { try? FileManager.default.removeItem(at: root) }

    func submit(_ spec: String, kind: String = "counting", caseID: String = "case-a", priority: Int = 500, maxAttempts: Int = 3) throws -> Int64 {
        try registry.submitJob(caseID: caseID, kind: kind, specText: spec, priority: priority, maxAttempts: maxAttempts).id
    }

    /// Drains the queue in process with `kind`, on `slots` virtual workers sharing `workerCache`; the coordinator
    /// assumes a worker cache of `workerCacheBytes` (0: shared fields always in full).
    @discardableResult
    func drain(kind: any JobKindPlugin = CountingKind(), slots: Int = 1, completion: LocalWorkerPool.Completion = .dispatchOrder,
               leaseSeconds: Double = 30, pollSeconds: Double = 0.01, maxJobsInFlight: Int = 4, drainWaitSeconds: Double = 30,
               workerCache: PayloadCache = PayloadCache(), workerCacheBytes: Int = PayloadCache.defaultCapacityBytes,
               resultDigest: ((URL) throws -> String)? = nil) throws -> CoordinatorSummary {
        let catalog = KindCatalog([kind])
        let coordinator = Coordinator(
            registry: registry, dataRoot: root, catalog: catalog,
            pool: LocalWorkerPool(catalog: catalog, slots: slots, completion: completion, cache: workerCache),
            options: CoordinatorOptions(mode: .drain, leaseSeconds: leaseSeconds, pollSeconds: pollSeconds, owner: "test-run",
                                        maxJobsInFlight: maxJobsInFlight, softwareVersion: "test", drainWaitSeconds: drainWaitSeconds, workerCacheBytes: workerCacheBytes))
        if let resultDigest { coordinator.resultDigest = resultDigest }
        return try coordinator.run()
    }

    func resultURL(_ job: Int64) -> URL { root.appendingPathComponent("store/results/job-\(job)/result.h5") }

    func values(_ job: Int64) throws -> [Int64] {
        let file = try ResultFile.read(path: resultURL(job).path)
        guard case .int64(let v) = file.arrays["/counting/values"]?.values else { return [] }
        return v
    }
}
