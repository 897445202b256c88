import Dispatch

/// Index loops spread over a few threads (`DispatchQueue.concurrentPerform`, indices strided over the
/// workers). The body may write only state no other index writes (disjoint slots, slices or chunks);
/// results then do not depend on the number of threads.
public enum Concurrent {
    /// Calls `body(i)` for every `i` in `0..<count` on up to `threads` threads; a plain loop for one.
    public static func forEach(_ count: Int, threads: Int, _ body: (Int) -> Void) {
        let workers = max(1, min(threads, count))
        guard workers > 1 else {
            for i in 0..<count { body(i) }
            return
        }
        withoutActuallyEscaping(body) { body in
            // The caller guarantees that indices touch disjoint state.
            let shared = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                for i in stride(from: worker, to: count, by: workers) { shared.value(i) }
            }
        }
    }

    /// `body(i)` for every `i` in `0..<count`, in index order, computed on up to `threads` threads;
    /// rethrows the error of the lowest failing index.
    public static func map<R>(_ count: Int, threads: Int, _ body: (Int) throws -> R) throws -> [R] {
        let slots = UnsafeMutableBufferPointer<Result<R, any Error>?>.allocate(capacity: count)
        slots.initialize(repeating: nil)
        defer {
            slots.deinitialize()
            slots.deallocate()
        }
        forEach(count, threads: threads) { i in slots[i] = Result { try body(i) } }
        return try slots.map { try $0!.get() }
    }
}

/// A value handed to other threads under the caller's guarantee that they use it safely.
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
