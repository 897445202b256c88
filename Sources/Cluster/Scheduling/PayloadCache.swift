import Foundation

/// A worker's cache of shared task-payload fields (patient model, pencil-beam kernel, beam geometry) by content
/// key, least recently used first out under a byte budget (``defaultCapacityBytes`` unless told otherwise). It
/// holds arrays only: a task's result depends on its payload alone, whether a field came with the message or from
/// here, and an evicted or never-seen field makes the task answer with a miss, never with a wrong result.
/// Entries of finished jobs stay until evicted, so memory stays under the budget across jobs.
public final class PayloadCache: @unchecked Sendable {
    /// The default byte budget per worker: 256 MiB (about ten TG-119 patient models of 24 MB).
    public static let defaultCapacityBytes = 256 << 20

    private let lock = NSLock()
    private var arrays: ByteBudgetLRU<WireArray>

    /// An empty cache of at most `capacityBytes` bytes of field data (0: keeps nothing, every reference misses).
    public init(capacityBytes: Int = PayloadCache.defaultCapacityBytes) {
        arrays = ByteBudgetLRU(capacityBytes: capacityBytes)
    }

    /// The byte budget.
    public var capacityBytes: Int { arrays.capacityBytes }
    /// Bytes of field data held now.
    public var heldBytes: Int { lock.withLock { arrays.heldBytes } }
    /// Number of arrays held now.
    public var count: Int { lock.withLock { arrays.count } }

    /// Forgets everything (as after a worker restart).
    public func clear() { lock.withLock { arrays.removeAll() } }

    /// The payload with every field plain: shared fields that came with their data are kept, references are
    /// filled in from the cache, in field name order (the order ``CacheLedger`` assumes). Returns the content keys
    /// of the references this cache does not hold instead, when there are any.
    func resolve(_ payload: TaskPayload) -> Result<TaskPayload, MissingFields> {
        lock.withLock {
            var found: [String: WireArray] = [:]
            var missing: [String] = []
            let names = Set(payload.sharedKeys.keys).union(payload.references.keys).sorted()
            for name in names {
                if let key = payload.references[name] {
                    if let value = arrays.use(key) { found[key] = value } else { missing.append(key) }
                } else if let key = payload.sharedKeys[name], let value = payload.fields[name] {
                    arrays.insert(key, value, bytes: value.byteCount)
                }
            }
            return missing.isEmpty ? .success(payload.resolved(found)) : .failure(MissingFields(keys: missing))
        }
    }
}

/// The content keys of the shared fields a worker lacked for a task.
struct MissingFields: Error {
    let keys: [String]
}
