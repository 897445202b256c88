import Foundation
import Registry

extension DataDirectory {
    /// Opens the registry, creating the data directory and migrating the schema when needed.
    func openRegistry() throws -> Registry {
        try create()
        return try Registry(path: registryURL.path)
    }

    /// Opens the registry of an existing data directory; a directory without one is not created but reported as
    /// not found (exit 66), so a mistyped `--data-dir` or `RTCLUSTER_HOME` is not mistaken for an empty installation.
    func openExistingRegistry() throws -> Registry {
        guard FileManager.default.fileExists(atPath: registryURL.path) else {
            throw CLIError.notFound("no registry at \(registryURL.path): not an rtcluster data directory (check --data-dir or RTCLUSTER_HOME; `rtcluster case add` creates one)")
        }
        return try openRegistry()
    }
}
