import Foundation

/// The on-disk layout of one rtcluster installation:
///
///     <root>/registry.sqlite          case and job registry (SQLite, WAL)
///     <root>/store/cases/<id>/case.h5 case files, copied in on `case add` (built under store/cases/.incoming/,
///                                     moved in by one rename; see CaseStaging)
///     <root>/store/.case-add.lock     serialises the removal of leftovers of interrupted `case add` runs
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

    /// `path` made absolute with its longest existing prefix resolved by `realpath` (links and `..` as the kernel
    /// follows them: `link/..` is the link target's parent), and the components that do not exist yet appended.
    static func resolved(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var components = absolute.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var rest: [String] = []
        while !components.isEmpty {
            if let real = realpath("/" + components.joined(separator: "/"), nil) {
                defer { free(real) }
                return ([String(cString: real) == "/" ? "" : String(cString: real)] + rest).joined(separator: "/")
            }
            rest.insert(components.removeLast(), at: 0)
        }
        return "/" + rest.joined(separator: "/")
    }

    /// Creates the directory tree when missing; a path that cannot hold it (a file in the way, a missing or read-only
    /// parent) is reported with the data directory's path and the system's reason (65).
    func create() throws {
        for dir in [root, casesURL, resultsURL] {
            do {
                try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            } catch {
                throw PathFailure.error(error, "cannot create the data directory", path: root.path, target: dir.path)
            }
        }
    }
}
