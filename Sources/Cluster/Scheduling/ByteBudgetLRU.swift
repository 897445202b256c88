/// Least-recently-used entries by content key under a byte budget: inserting past `capacityBytes` evicts the
/// least recently used entries first, and an entry larger than the whole budget is not kept. The worker's
/// ``PayloadCache`` and the coordinator's ``CacheLedger`` run the same operations in the same order on equal
/// budgets, so the ledger knows what each worker holds.
struct ByteBudgetLRU<Value> {
    private struct Entry {
        var value: Value
        let bytes: Int
        var lastUse: Int
    }

    /// The byte budget.
    let capacityBytes: Int
    private var entries: [String: Entry] = [:]
    private var clock = 0
    /// Bytes held now (at most `capacityBytes`).
    private(set) var heldBytes = 0

    init(capacityBytes: Int) { self.capacityBytes = max(0, capacityBytes) }

    /// Number of entries held.
    var count: Int { entries.count }

    /// The value under `key`, marked as just used; nil when absent.
    mutating func use(_ key: String) -> Value? {
        guard var entry = entries[key] else { return nil }
        clock += 1
        entry.lastUse = clock
        entries[key] = entry
        return entry.value
    }

    /// Keeps `value` of `bytes` under `key` as the most recently used entry (evicting the least recently used
    /// ones to stay in budget); false when it is larger than the whole budget and is not kept.
    @discardableResult
    mutating func insert(_ key: String, _ value: Value, bytes: Int) -> Bool {
        remove(key)
        guard bytes <= capacityBytes else { return false }
        while heldBytes + bytes > capacityBytes, let oldest = entries.min(by: { $0.value.lastUse < $1.value.lastUse })?.key {
            remove(oldest)
        }
        clock += 1
        entries[key] = Entry(value: value, bytes: bytes, lastUse: clock)
        heldBytes += bytes
        return true
    }

    /// Forgets `key`.
    mutating func remove(_ key: String) {
        if let entry = entries.removeValue(forKey: key) { heldBytes -= entry.bytes }
    }

    /// Forgets everything.
    mutating func removeAll() {
        entries.removeAll()
        heldBytes = 0
    }
}
