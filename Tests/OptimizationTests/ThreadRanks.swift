import Foundation

/// Runs `count` "ranks" on threads with a sum-allreduce between them, to exercise the distributed
/// protocol of ``FluencePlanBlock`` in one process.
final class ThreadRanks: @unchecked Sendable {
    private let count: Int
    private let condition = NSCondition()
    private var pending: [Double] = []
    private var arrived = 0
    private var generation = 0
    private var result: [Double] = []

    init(count: Int) { self.count = count }

    /// Sums `vector` over all ranks; every rank blocks until all have contributed.
    func allreduce(_ vector: inout [Double]) {
        condition.lock()
        defer { condition.unlock() }
        let myGeneration = generation
        if arrived == 0 { pending = [Double](repeating: 0, count: vector.count) }
        precondition(pending.count == vector.count, "ranks reduced vectors of different lengths")
        for i in vector.indices { pending[i] += vector[i] }
        arrived += 1
        if arrived == count {
            result = pending
            arrived = 0
            generation += 1
            condition.broadcast()
        } else {
            while generation == myGeneration { condition.wait() }
        }
        vector = result
    }

    /// Runs `body(rank)` on `count` threads and returns the results in rank order.
    func run<T: Sendable>(_ body: @escaping @Sendable (Int) -> T) -> [T] {
        let box = ResultBox<T>(count: count)
        let group = DispatchGroup()
        for r in 0..<count {
            group.enter()
            Thread.detachNewThread {
                box.set(r, body(r))
                group.leave()
            }
        }
        group.wait()
        return box.values
    }
}

private final class ResultBox<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [T?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ v: T) { lock.lock(); slots[i] = v; lock.unlock() }
    var values: [T] { slots.map { $0! } }
}
