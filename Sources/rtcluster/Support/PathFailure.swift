import Foundation

/// Plain messages for file-system failures at paths the user chose (the data directory, output directories): the
/// path as given and the operating system's reason, instead of a Foundation error with a temporary name.
enum PathFailure {
    /// Reasons that are mistakes in the path itself (65); any other failure (disk full, I/O error) is internal (70).
    private static let pathMistakes: Set<Int32> = [ENOENT, ENOTDIR, EEXIST, EACCES, EPERM, EROFS, EISDIR, ENAMETOOLONG, ELOOP]

    /// True for an error of Foundation's file operations (Cocoa or POSIX domain), the ones `error(_:_:path:)` rewrites.
    static func isFileSystemError(_ error: Error) -> Bool {
        let domain = (error as NSError).domain
        return !(error is CLIError) && (domain == NSCocoaErrorDomain || domain == NSPOSIXErrorDomain)
    }

    /// The errno behind a Foundation file error (its own code or its underlying POSIX error), if any.
    static func posixCode(of error: Error) -> Int32? {
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain { return Int32(ns.code) }
        // The underlying error may be stored as a Swift `POSIXError` rather than an NSError.
        guard let underlying = ns.userInfo[NSUnderlyingErrorKey].flatMap({ $0 as? Error }).map({ $0 as NSError }),
              underlying.domain == NSPOSIXErrorDomain else { return nil }
        return Int32(underlying.code)
    }

    /// "`what` `path`: reason", where the reason names a file standing where a directory is needed on the way to
    /// `target` (default: `path`), or else is the system's text for the error.
    static func error(_ error: Error, _ what: String, path: String, target: String? = nil) -> CLIError {
        let code = posixCode(of: error)
        let reason: String
        if let blocking = firstNonDirectory(in: target ?? path) {
            reason = "\(blocking) exists and is not a directory"
        } else if let code {
            reason = String(cString: strerror(code))
        } else {
            reason = (error as NSError).localizedDescription
        }
        let status: ExitStatus = code.map { pathMistakes.contains($0) } == true ? .invalidInput : .internalError
        return CLIError(status: status, message: "\(what) \(path): \(reason)")
    }

    /// Creates the directory that is to hold the output file `path` when missing (as `mkdir -p`); a path that cannot
    /// hold it (a file in the way, a read-only parent) is reported as `option` and the path as given, not as the
    /// writer's temporary file.
    static func prepareDirectory(forOutputFile path: String, option: String) throws {
        let parent = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        } catch where isFileSystemError(error) {
            throw Self.error(error, "cannot write \(option)", path: path, target: parent.path)
        }
    }

    /// The first existing component of `path` (the path itself included) that is not a directory, as the kernel
    /// resolves it: a file standing where a directory must be.
    static func firstNonDirectory(in path: String) -> String? {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var prefix = ""
        for component in absolute.split(separator: "/") {
            prefix += "/" + component
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: prefix, isDirectory: &isDirectory) else { return nil }
            if !isDirectory.boolValue { return prefix }
        }
        return nil
    }
}
