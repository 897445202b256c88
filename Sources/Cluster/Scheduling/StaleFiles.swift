import Foundation
import Store

#if canImport(Glibc)
import Glibc
#endif

/// Finds the temporary files an interrupted atomic write left behind (`.<name>.tmp-<pid>-<host>-<hex>`, see
/// Store's AtomicFile) and removes those whose writer process no longer runs: on this host when its pid is gone; of
/// another host (a data directory shared between hosts, where this host cannot see the pid) only when untouched for
/// ``foreignAgeSeconds``.
public enum StaleFiles {
    /// Age after which a temporary of another host is taken as abandoned: a day.
    static let foreignAgeSeconds = 86_400.0

    /// Removes stale temporaries under `directory` (recursively); returns the removed paths.
    @discardableResult
    public static func removeTemporaries(under directory: URL) -> [String] {
        guard let walker = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.contentModificationDateKey]) else { return [] }
        var removed: [String] = []
        for case let url as URL in walker {
            let name = url.lastPathComponent
            guard AtomicFile.temporaryWriter(of: name) != nil else { continue }
            let modified = (try? url.resourceValues(forKeys: [.contentModificationDateKey]))?.contentModificationDate
            if isStaleTemporary(name, modified: modified), (try? FileManager.default.removeItem(at: url)) != nil { removed.append(url.path) }
        }
        return removed
    }

    /// True for an AtomicFile temporary whose writer is gone: of this host (or of an earlier version's name without
    /// a host) when its pid no longer runs here; of another host when last modified more than ``foreignAgeSeconds``
    /// ago (`now` is the time to judge at).
    static func isStaleTemporary(_ name: String, modified: Date?, now: Date = Date()) -> Bool {
        guard let writer = AtomicFile.temporaryWriter(of: name) else { return false }
        if let host = writer.host, host != AtomicFile.hostTag {
            return modified.map { now.timeIntervalSince($0) > foreignAgeSeconds } ?? false
        }
        return kill(writer.pid, 0) != 0 && errno == ESRCH
    }
}
