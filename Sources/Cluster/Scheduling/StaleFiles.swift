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
            guard let writer = AtomicFile.temporaryWriter(of: url.lastPathComponent) else { continue }
            let modified = (try? url.resourceValues(forKeys: [.contentModificationDateKey]))?.contentModificationDate
            if isStale(writer, modified: modified), (try? FileManager.default.removeItem(at: url)) != nil { removed.append(url.path) }
        }
        return removed
    }

    /// True when the writer of an AtomicFile temporary is gone: of this host (or of an earlier version's name without
    /// a host) when its pid no longer runs here; of another host when the file was last modified more than
    /// ``foreignAgeSeconds`` ago.
    static func isStale(_ writer: (pid: Int32, host: String?), modified: Date?) -> Bool {
        if let host = writer.host, host != AtomicFile.hostTag {
            return modified.map { Date().timeIntervalSince($0) > foreignAgeSeconds } ?? false
        }
        return kill(writer.pid, 0) != 0 && errno == ESRCH
    }
}
