#if canImport(Glibc)
import CMalloc
#endif

/// Process-wide allocator settings for the pipelines' large, short-lived volumes.
public enum ProcessMemory {
    /// Makes glibc keep freed memory for reuse instead of returning it to the kernel.
    ///
    /// By default glibc serves every allocation above its mmap threshold (at most 32 MiB) with a fresh
    /// `mmap` and unmaps it on `free`, so each full-size volume (a 512×512×160 mask is 40 MiB) is
    /// faulted in page by page and zeroed by the kernel again on every use; with several threads those
    /// faults also serialise on the process's address-space lock. This call disables the mmap path
    /// for the main heap (`M_MMAP_MAX` 0), keeps up to `retainBytes` of freed memory at the heap top
    /// (`M_TRIM_THRESHOLD`) and grows the heap in 64 MiB steps (`M_TOP_PAD`). Threads allocate from that
    /// one heap too (`M_ARENA_MAX` 1): glibc's per-thread arenas would serve a worker thread's volumes
    /// from heaps that are given back (and faulted in again) at every free. The price: a process
    /// keeps its peak heap (up to `retainBytes` above live data) until it exits. Results are unchanged
    /// (only where memory comes from). Call once, first thing in `main`; a no-op off glibc.
    /// - Returns: whether every setting was accepted.
    @discardableResult
    public static func retainFreedMemory(retainBytes: Int32 = 1 << 30) -> Bool {
        #if canImport(Glibc)
        return mallopt(M_MMAP_MAX, 0) == 1 && mallopt(M_TRIM_THRESHOLD, retainBytes) == 1 && mallopt(M_TOP_PAD, 64 << 20) == 1
            && mallopt(M_ARENA_MAX, 1) == 1
        #else
        return false
        #endif
    }
}
