import Foundation
import Store
import Testing
@testable import Cluster

/// The worker-side cache of shared task fields: the LRU budget, the wire form of shared fields and references,
/// and whole plan jobs with the cache off, on, and missing on every task (identical results, fewer bytes).
@Suite struct PayloadCacheTests {
    @Test func budgetEvictsTheLeastRecentlyUsedAndKeepsNothingTooLarge() {
        var lru = ByteBudgetLRU<Int>(capacityBytes: 100)
        let keptA = lru.insert("a", 1, bytes: 40), keptB = lru.insert("b", 2, bytes: 40)
        let usedA = lru.use("a")
        let keptC = lru.insert("c", 3, bytes: 40)
        #expect(keptA && keptB && keptC && usedA == 1)
        let (b, a, c) = (lru.use("b"), lru.use("a"), lru.use("c"))
        #expect(b == nil && a == 1 && c == 3, "b was the least recently used")
        #expect(lru.heldBytes == 80 && lru.count == 2)
        let keptD = lru.insert("d", 4, bytes: 101), d = lru.use("d")
        #expect(!keptD && d == nil && lru.heldBytes == 80)
        var empty = ByteBudgetLRU<Int>(capacityBytes: 0)
        let keptEmpty = empty.insert("a", 1, bytes: 1)
        #expect(!keptEmpty && empty.count == 0)
    }

    static func sharedPayload() -> TaskPayload {
        var payload = TaskPayload(["beamlet_ids": .int64([4, 8])])
        let density = WireArray.float64((0..<5000).map { Double($0) * 0.25 })
        payload.setShared("patient.density", density, key: density.contentKey)
        return payload
    }

    /// A shared field travels with its key, then by key alone (a 40 kB field becomes 64 bytes); the cache fills the
    /// reference in to the plain payload, or reports the key it lacks; the key is the SHA-256 of the encoded array.
    @Test func sharedFieldsTravelByKeyAndResolveThroughTheCache() throws {
        let payload = Self.sharedPayload()
        let address = TaskAddress(jobID: 3, phase: 1, index: 2)
        let full = ClusterMessage.task(address: address, kind: "dose", input: payload).encoded()
        let byKey = ClusterMessage.task(address: address, kind: "dose", input: payload).encoded(referencing: ["patient.density"])
        #expect(full.count - byKey.count == 5000 * 8 + 8 + 1, "the array and its header are replaced by the type code 9")
        guard case .task(_, _, let withData) = try ClusterMessage.decode(full), case .task(_, _, let reference) = try ClusterMessage.decode(byKey) else {
            Issue.record("not task messages"); return
        }
        #expect(withData == payload)
        #expect(reference.fields["patient.density"] == nil && reference.references["patient.density"] == payload.sharedKeys["patient.density"])
        let key = try #require(payload.sharedKeys["patient.density"])
        #expect(key.count == 64 && key != WireArray.float64([1]).contentKey)

        let cache = PayloadCache(capacityBytes: 1 << 20)
        guard case .failure(let missing) = cache.resolve(reference) else { Issue.record("an empty cache resolved a reference"); return }
        #expect(missing.keys == [key])
        guard case .success(let first) = cache.resolve(withData), case .success(let second) = cache.resolve(reference) else {
            Issue.record("the cache did not resolve"); return
        }
        #expect(first == TaskPayload(payload.fields) && second == first && cache.heldBytes == 40_000)
        cache.clear()
        guard case .failure = cache.resolve(reference) else { Issue.record("a cleared cache resolved a reference"); return }

        let miss = ClusterMessage.miss(address: address, keys: [key])
        #expect(try ClusterMessage.decode(miss.encoded()) == miss && miss.tag == .miss)
        var bad = byKey
        bad[bad.count - 1] = UInt8(ascii: "G")
        #expect(throws: WireError.self) { try ClusterMessage.decode(bad) }
    }

    /// The values of `column` in the rows of `/timings/tasks` whose phase is in `phases` (all rows when nil).
    static func timings(_ file: ResultFile, column: String, phases: Set<Int>? = nil) throws -> [Double] {
        let columns = TaskTiming.columns
        guard case .float64(let rows) = try #require(file.arrays["/timings/tasks"]).values,
              let c = columns.firstIndex(of: column), let p = columns.firstIndex(of: "phase") else { return [] }
        return stride(from: 0, to: rows.count, by: columns.count).compactMap { r in
            phases.map { $0.contains(Int(rows[r + p])) } ?? true ? rows[r + c] : nil
        }
    }

    static func timingSum(_ file: ResultFile, column: String, phases: Set<Int>? = nil) throws -> Double {
        try timings(file, column: column, phases: phases).reduce(0, +)
    }

    /// The water-box plan of ``PlanKindTests`` (influence, optimisation, final dose) on 2 in-process workers with
    /// the cache off (every shared field in full), on, and on with a worker cache that keeps nothing (every
    /// reference misses, as if the cache were cleared between tasks): dose, uncertainty, weights and metrics are
    /// bitwise identical; with the cache on, the beamlet-batch task messages (46 influence batches and the final dose's) carry ≥ 5× fewer bytes
    /// (measured 9.70 MB → 0.16 MB, 59×; the whole job's task messages and replies 10.0 MB → 0.48 MB, 21×;
    /// deterministic counts) and no task misses; with the empty worker cache referencing tasks miss (110 misses
    /// measured) and each is resent in full.
    @Test func planJobGivesTheSameResultWithFewerBytesAndSurvivesMisses() throws {
        let fixture = try PlanKindTests.caseFixture()
        let settings: [(name: String, cache: PayloadCache, assumed: Int)] = [
            ("off", PayloadCache(), 0), ("on", PayloadCache(), PayloadCache.defaultCapacityBytes),
            ("missing", PayloadCache(capacityBytes: 0), PayloadCache.defaultCapacityBytes),
        ]
        var files: [String: ResultFile] = [:]
        var summaries: [String: CoordinatorSummary] = [:]
        for setting in settings {
            let job = try fixture.submit(PlanKindTests.spec(), kind: "plan")
            summaries[setting.name] = try fixture.drain(kind: PlanKind(), slots: 2, workerCache: setting.cache, workerCacheBytes: setting.assumed)
            let record = try fixture.registry.job(id: job)
            try #require(record.state == .succeeded, "\(setting.name): \(record.error ?? "")")
            files[setting.name] = try ResultFile.read(path: fixture.resultURL(job).path)
        }
        let off = try #require(files["off"]), on = try #require(files["on"]), missing = try #require(files["missing"])
        for (name, file) in [("on", on), ("missing", missing)] {
            #expect(file.doseGy == off.doseGy && file.doseUncertainty == off.doseUncertainty, "\(name)")
            #expect(file.arrays["/plan/weights"] == off.arrays["/plan/weights"] && file.attributes["metrics_json"] == off.attributes["metrics_json"], "\(name)")
        }
        // Phases 0 (influence) and 2 (final dose) are beamlet batches; phase 1 is the collective optimisation.
        let batchPhases: Set<Int> = [0, 2]
        let batches = try Self.timings(on, column: "phase", phases: [0]).count
        #expect(batches >= 8, "\(batches) beamlet batches")
        let bytesOff = try Self.timingSum(off, column: "bytes_in", phases: batchPhases)
        let bytesOn = try Self.timingSum(on, column: "bytes_in", phases: batchPhases)
        let totalOff = try Self.timingSum(off, column: "bytes_in") + Self.timingSum(off, column: "bytes_out")
        let totalOn = try Self.timingSum(on, column: "bytes_in") + Self.timingSum(on, column: "bytes_out")
        #expect(bytesOff >= 5 * bytesOn, "batch task bytes \(bytesOff) without the cache, \(bytesOn) with it (\(bytesOff / bytesOn)×); job total \(totalOff) / \(totalOn)")
        #expect(totalOff >= 5 * totalOn, "job bytes \(totalOff) without the cache, \(totalOn) with it")
        #expect(summaries["on"]?.cacheMisses == 0 && (summaries["on"]?.sharedFieldsByKey ?? 0) > 0)
        #expect(summaries["off"]?.sharedFieldsByKey == 0 && summaries["off"]?.cacheMisses == 0)
        let missed = try #require(summaries["missing"])
        #expect(missed.cacheMisses > 0 && missed.tasksDispatched == summaries["on"]?.tasksDispatched, "\(missed)")
        #expect(try Self.timingSum(missing, column: "bytes_in", phases: batchPhases) > bytesOff, "resends carry the data again")
    }
}
