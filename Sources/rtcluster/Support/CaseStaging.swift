import Foundation
import Registry

/// The staging of one `case add`: the case directory is built complete under `store/cases/.incoming/<token>/` and
/// moved to `store/cases/<id>/` by one `rename`, so the store never shows a half-copied case.
///
/// Stale leftovers are told apart from live work by a lock, not by age: the run holds an exclusive `flock` on
/// `.incoming/<token>.lock` (locked before it appears under that name, before the directory exists) from start to
/// end, and the kernel drops it when the process dies, however it dies. The next `case add` removes, one cleaner at a
/// time (`store/.case-add.lock`):
/// - `.incoming/<token>/` (killed while copying) when its lock can be taken, with the lock file;
/// - `<id>/` holding the marker `.adding` with `<token>` (killed after the move, before the registry row) when the
///   token's lock can be taken or is gone and the registry has no row for `<id>` (with a row, only the marker goes).
/// A staging entry without a lock file is removed only after a day; a case directory without a marker never (it is
/// not known to be ours, and `case add` of its id is refused with the path).
struct CaseStaging {
    /// `store/cases/.incoming/<token>/`, where the case directory is built.
    let directory: URL
    /// Name of the staging directory and its lock file (`<id>-<pid>-<random hex>`).
    let token: String
    private let lockURL: URL
    private let lockFD: Int32

    /// The name of the marker written into a staged case directory; it holds the token.
    static let marker = ".adding"

    static func incoming(_ data: DataDirectory) -> URL { data.casesURL.appendingPathComponent(".incoming", isDirectory: true) }

    /// Locks a new token and creates its empty staging directory.
    static func begin(id: String, in data: DataDirectory) throws -> CaseStaging {
        let incoming = incoming(data)
        try FileManager.default.createDirectory(at: incoming, withIntermediateDirectories: true)
        let token = "\(id)-\(getpid())-\(String(UInt64.random(in: 0...UInt64.max), radix: 16))"
        let lockURL = incoming.appendingPathComponent(token + ".lock")
        // Locked under a temporary name, then renamed: a `<token>.lock` is never seen unlocked by a cleaner.
        let fresh = incoming.appendingPathComponent(token + ".lock-new").path
        // Read-only descriptors: flock needs no write access, so a group-shared data directory works.
        var fd = open(fresh, O_CREAT | O_EXCL | O_RDONLY | O_CLOEXEC, 0o644)
        for _ in 0..<3 where fd < 0 && errno == ENOENT {  // a finishing run removed the empty `.incoming` just now
            try FileManager.default.createDirectory(at: incoming, withIntermediateDirectories: true)
            fd = open(fresh, O_CREAT | O_EXCL | O_RDONLY | O_CLOEXEC, 0o644)
        }
        guard fd >= 0 else { throw CLIError.internalError("cannot create \(fresh): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0, rename(fresh, lockURL.path) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            unlink(fresh)
            throw CLIError.internalError("cannot lock \(lockURL.path): \(reason)")
        }
        let staging = CaseStaging(directory: incoming.appendingPathComponent(token, isDirectory: true), token: token, lockURL: lockURL, lockFD: fd)
        do {
            try FileManager.default.createDirectory(at: staging.directory, withIntermediateDirectories: false)
            try Data(token.utf8).write(to: staging.directory.appendingPathComponent(marker))
        } catch {
            staging.abandon()
            throw error
        }
        return staging
    }

    /// Moves the staged directory to `target` (`store/cases/<id>`) and makes the move durable (the parent directory is
    /// fsynced before the caller writes the registry row); false when `target` exists (even empty: a directory this
    /// run did not make is never replaced, though `rename` would replace an empty one).
    func moveInto(_ target: URL) throws -> Bool {
        let parent = target.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        var existing = stat()
        guard lstat(target.path, &existing) != 0 else { return false }
        guard rename(directory.path, target.path) == 0 else {
            let code = errno
            if code == EEXIST || code == ENOTEMPTY { return false }
            throw CLIError.internalError("cannot move the case into \(target.path): \(String(cString: strerror(code)))")
        }
        let fd = open(parent.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        defer { if fd >= 0 { close(fd) } }
        guard fd >= 0, fsync(fd) == 0 else {
            throw CLIError.internalError("cannot make the move of the case into \(target.path) durable: \(String(cString: strerror(errno)))")
        }
        return true
    }

    /// Takes this run's case directory back from `target` into staging (one `rename`), so ``abandon()`` removes it
    /// where a crash half-way leaves nothing under `store/cases/`.
    func moveBack(from target: URL) {
        rename(target.path, directory.path)
    }

    /// After the registry row exists: removes the marker from `target`, then the lock.
    func finish(_ target: URL) {
        unlink(target.appendingPathComponent(Self.marker).path)
        release()
    }

    /// On failure: removes the staging directory (if still there) and the lock.
    func abandon() {
        try? FileManager.default.removeItem(at: directory)
        release()
    }

    private func release() {
        unlink(lockURL.path)
        close(lockFD)
        rmdir(lockURL.deletingLastPathComponent().path)  // `.incoming` when no other run is staging
    }

    /// Runs `body` holding the exclusive sweep lock (`store/.case-add.lock`, kept): cleaners judge and remove leftovers
    /// one at a time, and a run that moves its case onto a removed leftover's place does so under it too.
    static func sweeping<R>(in data: DataDirectory, _ body: () throws -> R) throws -> R {
        try FileManager.default.createDirectory(at: data.casesURL, withIntermediateDirectories: true)
        let path = data.casesURL.deletingLastPathComponent().appendingPathComponent(".case-add.lock").path
        let fd = open(path, O_CREAT | O_RDONLY | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0, flock(fd, LOCK_EX) == 0 else {
            let reason = String(cString: strerror(errno))
            if fd >= 0 { close(fd) }
            throw CLIError.internalError("cannot lock \(path): \(reason)")
        }
        defer { close(fd) }
        return try body()
    }

    /// Whether the run of `token` is over: its lock file is gone (released or removed by a cleaner, both only after
    /// the run ended) or can be locked. When it can, the lock is held while `body` runs and the file is removed.
    /// Call under ``sweeping(in:_:)``.
    private static func ifRunIsOver(_ token: String, in data: DataDirectory, _ body: () -> Void) {
        let path = incoming(data).appendingPathComponent(token + ".lock").path
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else {
            if errno == ENOENT { body() }
            return
        }
        defer { close(fd) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { return }  // the run is alive
        body()
        unlink(path)
    }

    /// Removes leftovers of interrupted runs: case directories whose marker names a finished run (removed when the
    /// registry has no row for the id, else only the marker), staging directories whose lock is free, and, older
    /// than a day, staging entries without a lock file.
    static func removeStale(in data: DataDirectory, registry: Registry) throws {
        try sweeping(in: data) {
            let fm = FileManager.default
            for id in (try? fm.contentsOfDirectory(atPath: data.casesURL.path)) ?? [] where !id.hasPrefix(".") {
                removeIfAbandoned(data.casesURL.appendingPathComponent(id, isDirectory: true), id: id, in: data, registry: registry)
            }
            let incoming = incoming(data)
            let entries = (try? fm.contentsOfDirectory(atPath: incoming.path)) ?? []
            let tokens = Set(entries.filter { $0.hasSuffix(".lock") }.map { String($0.dropLast(5)) })
            for token in tokens {
                ifRunIsOver(token, in: data) { try? fm.removeItem(at: incoming.appendingPathComponent(token)) }
            }
            let dayAgo = Date().addingTimeInterval(-86_400)
            for name in entries where !name.hasSuffix(".lock") && !tokens.contains(name) {
                let url = incoming.appendingPathComponent(name)
                if let modified = try? fm.attributesOfItem(atPath: url.path)[.modificationDate] as? Date, modified < dayAgo {
                    try? fm.removeItem(at: url)
                }
            }
            rmdir(incoming.path)  // when empty
        }
    }

    /// Removes the case directory `directory` of `id` when its marker names a finished run and the registry has no
    /// row for `id` (with a row, only the marker goes). True when the directory was removed. Call under
    /// ``sweeping(in:_:)``.
    @discardableResult
    static func removeIfAbandoned(_ directory: URL, id: String, in data: DataDirectory, registry: Registry) -> Bool {
        let markerURL = directory.appendingPathComponent(marker)
        guard let token = try? String(contentsOf: markerURL, encoding: .utf8), !token.isEmpty, !token.contains("/"), !token.hasPrefix(".") else {
            return false
        }
        var removed = false
        ifRunIsOver(token, in: data) {
            try? FileManager.default.removeItem(at: incoming(data).appendingPathComponent(token))
            do {
                _ = try registry.caseRecord(id: id)
                unlink(markerURL.path)
            } catch RegistryError.caseNotFound {
                // Out of `store/cases/` by one rename first: a crash while deleting leaves a staging entry (removed
                // later), never a marker-less case directory that would block the id.
                let grave = incoming(data).appendingPathComponent(token, isDirectory: true)
                try? FileManager.default.createDirectory(at: incoming(data), withIntermediateDirectories: true)
                if rename(directory.path, grave.path) == 0 {
                    try? FileManager.default.removeItem(at: grave)
                    removed = true
                }
            } catch {
                // The registry cannot say (unreadable, or not a case id): leave the directory.
            }
        }
        return removed
    }
}
