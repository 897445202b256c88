import Foundation

/// The on-disk layout of one rtcluster installation:
///
///     <root>/registry.sqlite          case and job registry (SQLite, WAL)
///     <root>/store/cases/<id>/case.h5 case files, copied in on `case add`
///     <root>/store/results/job-<n>/   result files written by the coordinator
struct DataDirectory {
    let root: URL

    var registryURL: URL { root.appendingPathComponent("registry.sqlite") }
    var casesURL: URL { root.appendingPathComponent("store/cases", isDirectory: true) }
    var resultsURL: URL { root.appendingPathComponent("store/results", isDirectory: true) }

    /// Where the case file of case `id` lives inside the store.
    func caseFileURL(id: String) -> URL { casesURL.appendingPathComponent(id, isDirectory: true).appendingPathComponent("case.h5") }

    /// Throws when `path` (after `..` and symbolic links) lies inside the data directory: an output written there
    /// could replace the registry or case and result files whose fingerprints the registry keeps.
    func refuseOutput(_ path: String, option: String) throws {
        let home = Self.resolved(root.path)
        let target = Self.resolved(path)
        if target == home || target.hasPrefix(home + "/") {
            throw CLIError.invalidInput("\(option) \(path) lies inside the data directory (\(home)); write outputs elsewhere")
        }
    }

    /// `path` made absolute, standardised and with symbolic links resolved in its longest existing prefix (the rest
    /// does not exist yet, so it holds no links).
    static func resolved(_ path: String) -> String {
        var existing = URL(fileURLWithPath: path).standardizedFileURL
        var rest: [String] = []
        while !FileManager.default.fileExists(atPath: existing.path), existing.pathComponents.count > 1 {
            rest.insert(existing.lastPathComponent, at: 0)
            existing.deleteLastPathComponent()
        }
        var url = existing.resolvingSymlinksInPath()
        for component in rest { url.appendPathComponent(component) }
        return url.standardizedFileURL.path
    }

    /// Creates the directory tree when missing.
    func create() throws {
        for dir in [root, casesURL, resultsURL] {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        }
    }
}
