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

    /// Creates the directory tree when missing.
    func create() throws {
        for dir in [root, casesURL, resultsURL] {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        }
    }
}
