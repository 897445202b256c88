import Foundation
import Registry

extension DataDirectory {
    /// Opens the registry for writing, creating the data directory and migrating the schema when needed. A new
    /// registry is created only when the store holds no cases or results (see `refuseLostRegistry`).
    func openRegistry() throws -> Registry {
        try refuseLostRegistry()
        try create()
        return try Registry(path: registryURL.path)
    }

    /// Opens the registry of an existing data directory; a directory without one is not created but reported as
    /// not found (exit 66), so a mistyped `--data-dir` or `RTCLUSTER_HOME` is not mistaken for an empty installation.
    /// `readOnly` (the commands that only show) opens the file without write access and without migrating, so it
    /// works on a registry the user may only read; an empty (zero-byte) file is then still initialised for writing.
    func openExistingRegistry(readOnly: Bool = false) throws -> Registry {
        try refuseLostRegistry()
        guard let size = registryFileSize else {
            throw CLIError.notFound("no registry at \(registryURL.path): not an rtcluster data directory (check --data-dir or RTCLUSTER_HOME; `rtcluster case add` creates one)")
        }
        if readOnly && size > 0 { return try Registry(path: registryURL.path, readOnly: true) }
        return try openRegistry()
    }

    /// Size of the registry file in bytes; nil when it does not exist.
    private var registryFileSize: Int? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: registryURL.path) else { return nil }
        return (attributes[.size] as? NSNumber)?.intValue ?? 0
    }

    /// Throws (exit 70) when the registry file is missing or empty while the store holds cases or results: the
    /// registry was lost or truncated, and a new one would restart job ids at 1 and mistake the old store's files
    /// for its own. An empty data directory (or an empty store) is a new installation and passes.
    func refuseLostRegistry() throws {
        if let size = registryFileSize, size > 0 { return }
        let cases = Self.visibleEntries(casesURL), results = Self.visibleEntries(resultsURL)
        guard cases + results > 0 else { return }
        let state = registryFileSize == nil ? "missing" : "empty (0 bytes)"
        let store = root.appendingPathComponent("store").path
        throw CLIError.internalError(
            "registry \(registryURL.path) is \(state), but the store \(store) holds \(cases) case\(cases == 1 ? "" : "s")"
                + " and \(results) result\(results == 1 ? "" : "s"): the registry was lost or truncated."
                + " Restore registry.sqlite (with registry.sqlite-wal, if any) from a backup, or move \(store) away to start"
                + " a new registry; a new one is not created over the old store (its job ids would collide with the old results)")
    }

    /// Number of entries in `directory` whose names do not start with "." (0 when it does not exist).
    private static func visibleEntries(_ directory: URL) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.count
    }
}
