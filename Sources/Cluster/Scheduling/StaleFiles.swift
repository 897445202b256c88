import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Finds the temporary files an interrupted atomic write left behind (`.<name>.tmp-<pid>-<hex>`, see
/// Store's AtomicFile) and removes those whose writer process no longer runs.
public enum StaleFiles {
    /// Removes stale temporaries under `directory` (recursively); returns the removed paths.
    @discardableResult
    public static func removeTemporaries(under directory: URL) -> [String] {
        guard let walker = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else { return [] }
        var removed: [String] = []
        for case let url as URL in walker where isStaleTemporary(url.lastPathComponent) {
            if (try? FileManager.default.removeItem(at: url)) != nil { removed.append(url.path) }
        }
        return removed
    }

    /// True for a name `.<name>.tmp-<pid>-<hex>` whose process `pid` is gone (or whose pid is unreadable).
    static func isStaleTemporary(_ name: String) -> Bool {
        guard name.hasPrefix("."), let marker = name.range(of: ".tmp-", options: .backwards) else { return false }
        let rest = name[marker.upperBound...]
        guard let dash = rest.firstIndex(of: "-"), let pid = Int32(rest[..<dash]), pid > 0 else { return true }
        return kill(pid, 0) != 0 && errno == ESRCH
    }
}
