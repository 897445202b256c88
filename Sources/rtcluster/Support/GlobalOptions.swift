import ArgumentParser
import Foundation

/// Options shared by every command that reads or writes the data directory.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Data directory holding the registry and the store (default: $RTCLUSTER_HOME or ./rtcluster-data).", valueName: "dir"))
    var dataDir: String?

    @Flag(name: .long, help: "Print machine-readable JSON on stdout.")
    var json = false

    func validate() throws {
        // An empty path would make the current directory the data directory (registry.sqlite and store/ created there).
        if let dataDir, dataDir.isEmpty { throw ValidationError("--data-dir must not be empty") }
    }

    /// The data directory chosen by flag, environment or default.
    var dataDirectory: DataDirectory {
        let path = dataDir ?? ProcessInfo.processInfo.environment["RTCLUSTER_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? "rtcluster-data"
        return DataDirectory(root: URL(fileURLWithPath: path))
    }
}
