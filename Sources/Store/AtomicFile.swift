#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files so that they appear only whole: the content goes to a temporary name in the
/// same directory (`.name.tmp-<pid>-<host>-<random>`; for a long name a short hashed one), is fsync'ed, then renamed over the final name,
/// and the directory is fsync'ed. On any error the temporary is removed and nothing is created
/// under the final name (an existing file there is left untouched).
public enum AtomicFile {
    /// Runs `body` with a temporary path to fill, then publishes it as `path`.
    static func write(to path: String, _ body: (_ temporaryPath: String) throws -> Void) throws {
        let (directory, name) = split(path)
        guard !name.isEmpty else { throw StoreError.io(file: path, reason: "not a file name") }
        let temporary = directory + "/" + temporaryName(for: name)
        do {
            try body(temporary)
            try sync(temporary, finalPath: path)
            guard rename(temporary, path) == 0 else {
                throw StoreError.io(file: path, reason: "cannot rename temporary file into place: \(errnoText())")
            }
        } catch {
            unlink(temporary)
            throw error
        }
        try? sync(directory, finalPath: path)
    }

    /// Names longer than this get a short temporary name, so that the temporary stays within NAME_MAX (255 bytes).
    static let longNameBytes = 200

    /// `.<name>.tmp-<pid>-<host>-<random hex>`, or for a name of more than ``longNameBytes`` bytes
    /// `.rtc-<12 hex of its SHA-256>.tmp-<pid>-<host>-<random hex>` (at most 59 bytes); `<host>` is ``hostTag``, so a
    /// cleaner on another host of a shared file system can tell that the pid is not its own.
    static func temporaryName(for name: String) -> String {
        let base = name.utf8.count > longNameBytes ? "rtc-" + SHA256.hex(of: Array(name.utf8)).prefix(12) : name
        return "." + base + ".tmp-\(getpid())-\(hostTag)-" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
    }

    /// 6 hex of the SHA-256 of this host's name and pid namespace (`<host name>\n<link of /proc/self/ns/pid>`): tells
    /// whose process ids a temporary or staging name holds (containers may share a host name, not their pids).
    public static let hostTag: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        let name = gethostname(&buffer, buffer.count - 1) == 0 ? String(cString: buffer) : ""
        var link = [CChar](repeating: 0, count: 64)
        let namespace = readlink("/proc/self/ns/pid", &link, link.count - 1) > 0 ? String(cString: link) : ""
        return String(SHA256.hex(of: Array((name + "\n" + namespace).utf8)).prefix(6))
    }()

    /// The writer of a temporary name this type makes (`.<name>.tmp-<pid>-<host>-<hex>`) or earlier versions made
    /// (`.<name>.tmp-<pid>-<hex>`, host unknown): its pid and host tag; nil for any other name.
    public static func temporaryWriter(of entry: String) -> (pid: Int32, host: String?)? {
        guard entry.hasPrefix("."), let marker = entry.range(of: ".tmp-", options: .backwards),
              marker.lowerBound > entry.index(after: entry.startIndex) else { return nil }
        let tail = entry[marker.upperBound...].split(separator: "-", omittingEmptySubsequences: false)
        func isHex(_ part: Substring) -> Bool { !part.isEmpty && part.allSatisfy(\.isHexDigit) }
        guard tail.count == 2 || tail.count == 3, let pid = Int32(tail[0]), pid > 0, tail.dropFirst().allSatisfy(isHex) else { return nil }
        if tail.count == 2 { return (pid, nil) }
        return tail[1].count == 6 ? (pid, String(tail[1])) : nil
    }

    /// Directory and last component of `path` ("." when there is no directory part).
    static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = String(path[..<slash])
        return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
    }

    private static func sync(_ path: String, finalPath: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw StoreError.io(file: finalPath, reason: "cannot open \(path) to sync: \(errnoText())") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw StoreError.io(file: finalPath, reason: "fsync failed: \(errnoText())") }
    }
}

/// The current `errno` as text.
func errnoText() -> String {
    String(cString: strerror(errno))
}

/// True when `path` (links followed) is a regular file: not a directory, FIFO, socket or device.
func isRegularFile(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
}

/// True when `path` exists; `isDirectory` tells whether it is a directory.
func fileExists(_ path: String, isDirectory: inout Bool) -> Bool {
    var info = stat()
    guard stat(path, &info) == 0 else { return false }
    isDirectory = (info.st_mode & S_IFMT) == S_IFDIR
    return true
}
