import Foundation
import Registry

extension DataDirectory {
    /// Opens the registry, creating the data directory and migrating the schema when needed.
    func openRegistry() throws -> Registry {
        try create()
        return try Registry(path: registryURL.path)
    }
}
