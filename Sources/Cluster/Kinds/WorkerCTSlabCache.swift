import Core
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Store

/// A worker process's CT slices of the case it segments last: the `segment` job's slab tasks carry no CT (see
/// ``SegmentationMessages``), each worker reads its extended slab from the case file, and the tasks of the later
/// steps of the job read about the same slices again. The cache keeps one contiguous slice range of one case file
/// (matched by ``FileIdentity``: a case file is written once, by an atomic rename, and the identity is checked
/// again after each read) and reads from the file only the slices it does not hold, widening the range when the new slices
/// touch it. A task's result does not depend on it: a miss reads the same bytes from the file.
final class WorkerCTSlabCache: @unchecked Sendable {
    /// The process-wide cache of the worker.
    static let shared = WorkerCTSlabCache()
    /// Largest range kept (bytes of Int16 voxels): 1 GiB, a 1024×1024×512 CT; a larger read is not kept.
    static let maximumBytes = 1 << 30

    /// What identifies the bytes of a case file: `stat` of the path (links followed) — device, inode, size,
    /// modification and status-change times. A replaced file differs in inode or change time (copies that keep
    /// the modification time, `cp -p` or `rsync -a`, cannot keep the change time).
    struct FileIdentity: Equatable {
        let path: String
        let device: UInt64, inode: UInt64, size: Int64
        let modified: timespec, changed: timespec

        init(path: String) throws {
            var info = stat()
            guard stat(path, &info) == 0 else {
                let code = errno
                throw StoreError.io(file: path, reason: "cannot stat the case file: \(String(cString: strerror(code)))")
            }
            self.path = path
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
            size = Int64(info.st_size)
            modified = info.st_mtim
            changed = info.st_ctim
        }

        static func == (a: Self, b: Self) -> Bool {
            a.path == b.path && a.device == b.device && a.inode == b.inode && a.size == b.size
                && a.modified.tv_sec == b.modified.tv_sec && a.modified.tv_nsec == b.modified.tv_nsec
                && a.changed.tv_sec == b.changed.tv_sec && a.changed.tv_nsec == b.changed.tv_nsec
        }
    }

    private struct Entry {
        let file: FileIdentity
        /// The CT's full grid (slab grids are made from it, so they are the same bits as a direct read's).
        let grid: Grid
        let slices: Range<Int>
        let voxels: [Int16]
    }

    private let lock = NSLock()
    private var entry: Entry?
    private let read: @Sendable (String, Range<Int>) throws -> CTVolume
    private let fullGrid: @Sendable (String) throws -> Grid
    /// Slices read from files so far (tests).
    private(set) var slicesRead = 0

    /// A cache reading through `read` (slices of a case's CT) and `fullGrid` (the CT's grid); by default the case file's.
    init(read: @escaping @Sendable (String, Range<Int>) throws -> CTVolume = { try CaseFile.readCTSlab(path: $0, zRange: $1) },
         fullGrid: @escaping @Sendable (String) throws -> Grid = { try CaseFile.ctGrid(path: $0) }) {
        self.read = read
        self.fullGrid = fullGrid
    }

    /// Slices `range` of the CT of the case file at `path`, on the slab's grid (as ``CaseFile/readCTSlab(path:zRange:limits:threads:)``).
    func slices(path: String, _ range: Range<Int>) throws -> CTVolume {
        let file = try FileIdentity(path: path)
        let held = lock.withLock { entry.flatMap { $0.file == file ? $0 : nil } }
        let grid = try held?.grid ?? fullGrid(path)
        guard range.lowerBound >= 0, range.upperBound <= grid.nz, !range.isEmpty else {
            throw StoreError.invalid(file: path, object: "/ct/hu", reason: "slices \(range) requested, the CT has 0..<\(grid.nz)")
        }
        let sliceCount = grid.sliceCount
        if let held, held.slices.lowerBound <= range.lowerBound, range.upperBound <= held.slices.upperBound {
            return try Self.slab(range, of: held)
        }
        // The missing slices: around the held range when they overlap or touch it, else the range alone.
        let widened = held.map { min($0.slices.lowerBound, range.lowerBound)..<max($0.slices.upperBound, range.upperBound) }
        let next: Entry
        if let held, let widened, widened.count <= held.slices.count + range.count, widened.count * sliceCount * 2 <= Self.maximumBytes {
            var voxels: [Int16] = []
            voxels.reserveCapacity(widened.count * sliceCount)
            if widened.lowerBound < held.slices.lowerBound { voxels += try readSlices(path, widened.lowerBound..<held.slices.lowerBound) }
            voxels += held.voxels
            if held.slices.upperBound < widened.upperBound { voxels += try readSlices(path, held.slices.upperBound..<widened.upperBound) }
            next = Entry(file: file, grid: grid, slices: widened, voxels: voxels)
        } else {
            next = Entry(file: file, grid: grid, slices: range, voxels: try readSlices(path, range))
        }
        guard try FileIdentity(path: path) == file else {
            throw StoreError.invalid(file: path, object: "/ct/hu", reason: "the case file changed while its slices \(range) were read")
        }
        if next.slices.count * sliceCount * 2 <= Self.maximumBytes { lock.withLock { entry = next } }
        return try Self.slab(range, of: next)
    }

    /// Slices `range` (inside the entry's) of `entry`: its voxels themselves when the ranges are equal, else a copy.
    private static func slab(_ range: Range<Int>, of entry: Entry) throws -> CTVolume {
        guard range != entry.slices else { return try CTVolume(grid: entry.grid.slab(range), voxels: entry.voxels) }
        let n = entry.grid.sliceCount, start = (range.lowerBound - entry.slices.lowerBound) * n
        return try CTVolume(grid: entry.grid.slab(range), voxels: Array(entry.voxels[start..<(start + range.count * n)]))
    }

    private func readSlices(_ path: String, _ range: Range<Int>) throws -> [Int16] {
        let voxels = try read(path, range).voxels
        lock.withLock { slicesRead += range.count }
        return voxels
    }
}
