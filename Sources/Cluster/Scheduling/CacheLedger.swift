/// The coordinator's record of what each rank's ``PayloadCache`` holds: one ``ByteBudgetLRU`` of content keys per
/// rank with the workers' byte budget, updated in the order tasks are sent to that rank (the order the rank runs
/// them, by MPI's non-overtaking rule). A shared field the rank holds goes by key; any other goes with its data.
/// A miss (the rank restarted, or runs with a smaller budget) makes the ledger forget the keys, and the task is
/// sent again with them. A budget of 0 sends every field in full (no references at all).
struct CacheLedger {
    /// The workers' byte budget assumed.
    let capacityBytes: Int
    private var ranks: [Int: ByteBudgetLRU<Void>] = [:]

    init(capacityBytes: Int) { self.capacityBytes = max(0, capacityBytes) }

    /// The shared fields of `payload` to send by key to `rank`; records the others as held from now on.
    mutating func referenced(in payload: TaskPayload, to rank: Int) -> Set<String> {
        guard capacityBytes > 0 else { return [] }
        var held = ranks[rank] ?? ByteBudgetLRU(capacityBytes: capacityBytes)
        var referenced = Set<String>()
        for name in payload.sharedKeys.keys.sorted() {
            guard let key = payload.sharedKeys[name], let value = payload.fields[name] else { continue }
            if held.use(key) != nil {
                referenced.insert(name)
            } else {
                held.insert(key, (), bytes: value.byteCount)
            }
        }
        ranks[rank] = held
        return referenced
    }

    /// Forgets that `rank` holds `keys` (it answered a task with a miss on them).
    mutating func forget(_ keys: [String], on rank: Int) {
        for key in keys { ranks[rank]?.remove(key) }
    }
}
