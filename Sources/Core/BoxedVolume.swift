/// A volume on ``grid`` that is zero outside an in-plane box (columns ``columns``, rows ``rows``, every
/// slice), kept as the box's voxels only, in pieces of consecutive slices (e.g. the slabs that computed
/// it). A segmentation's masks are such volumes: most of a CT's slice is air, couch and table, and a
/// writer that knows the box stores the chunks outside it as unstored (zero) without reading them.
/// ``slices(_:)`` gives slices of the box, ``placed(threads:)`` the full volume.
public struct BoxedVolume<Voxel: VoxelScalar>: Sendable, Equatable {
    /// Slices `first..<first + slices` of the box, `[z][y][x]` with the box's columns and rows.
    public struct Piece: Sendable, Equatable {
        public let first: Int
        public let voxels: [Voxel]
        public init(first: Int, voxels: [Voxel]) {
            self.first = first
            self.voxels = voxels
        }
    }

    /// The full grid.
    public let grid: Grid
    /// The box's columns (x) and rows (y); voxels outside them are zero.
    public let columns: Range<Int>, rows: Range<Int>
    /// The pieces in slice order, tiling `0..<grid.nz`.
    public let pieces: [Piece]

    /// Voxels in one slice of the box.
    public var boxSliceCount: Int { columns.count * rows.count }
    /// The box's sub-grid of ``grid`` (all slices).
    public var boxGrid: Grid { grid.box(columns: columns, rows: rows) }

    /// A volume from the box's pieces; throws unless the box lies inside the grid (not empty) and the
    /// pieces tile the slices with whole box slices.
    public init(grid: Grid, columns: Range<Int>, rows: Range<Int>, pieces: [Piece]) throws {
        guard !columns.isEmpty, !rows.isEmpty, columns.lowerBound >= 0, rows.lowerBound >= 0,
              columns.upperBound <= grid.nx, rows.upperBound <= grid.ny else {
            throw CoreError.invalidBox("box columns \(columns), rows \(rows) not inside \(grid.nx)×\(grid.ny) slices")
        }
        var next = 0
        for p in pieces {
            let n = columns.count * rows.count
            guard p.first == next, !p.voxels.isEmpty, p.voxels.count % n == 0 else {
                throw CoreError.invalidBox("box pieces do not tile slices 0..<\(grid.nz) (a piece at slice \(p.first) with \(p.voxels.count) voxels)")
            }
            next += p.voxels.count / n
        }
        guard next == grid.nz else { throw CoreError.invalidBox("box pieces cover \(next) of \(grid.nz) slices") }
        self.grid = grid
        self.columns = columns
        self.rows = rows
        self.pieces = pieces
    }

    /// `volume` itself (the box is the whole slice, one piece; no copy).
    public init(_ volume: Volume<Voxel>) {
        grid = volume.grid
        columns = 0..<volume.grid.nx
        rows = 0..<volume.grid.ny
        pieces = [Piece(first: 0, voxels: volume.voxels)]
    }

    /// Calls `body` with the address of each slice's box voxels (`grid.nz` pointers, valid during the call).
    public func withSlicePointers<R>(_ body: ([UnsafePointer<Voxel>]) throws -> R) rethrows -> R {
        try Self.withBases(pieces[...], boxSlice: boxSliceCount, slices: []) { try body($0) }
    }

    /// Calls `body` with the slice addresses of each of `volumes` (`[k][z]`: slice `z` of volume `k`; valid during the call).
    public static func withSlicePointers<R>(_ volumes: [BoxedVolume], _ body: ([[UnsafePointer<Voxel>]]) throws -> R) rethrows -> R {
        try withSlicePointers(volumes[...], done: [], body)
    }

    private static func withSlicePointers<R>(_ volumes: ArraySlice<BoxedVolume>, done: [[UnsafePointer<Voxel>]],
                                             _ body: ([[UnsafePointer<Voxel>]]) throws -> R) rethrows -> R {
        guard let first = volumes.first else { return try body(done) }
        return try first.withSlicePointers { try withSlicePointers(volumes.dropFirst(), done: done + [$0], body) }
    }

    private static func withBases<R>(_ pieces: ArraySlice<Piece>, boxSlice: Int, slices: [UnsafePointer<Voxel>],
                                     _ body: ([UnsafePointer<Voxel>]) throws -> R) rethrows -> R {
        guard let first = pieces.first else { return try body(slices) }
        return try first.voxels.withUnsafeBufferPointer { b in
            let added = (0..<(b.count / boxSlice)).map { b.baseAddress! + $0 * boxSlice }
            return try withBases(pieces.dropFirst(), boxSlice: boxSlice, slices: slices + added, body)
        }
    }

    /// Slices `range` of the box, on the box's sub-grid of those slices: a piece itself (no copy) when it covers
    /// exactly `range`, else one copy of the slices.
    public func slices(_ range: Range<Int>) -> Volume<Voxel> {
        let g = boxGrid.slab(range), slice = boxSliceCount
        if let p = pieces.first(where: { $0.first == range.lowerBound && $0.voxels.count == range.count * slice }) {
            return try! Volume(grid: g, voxels: p.voxels)
        }
        let voxels = [Voxel](unsafeUninitializedCapacity: g.voxelCount) { buffer, initialized in
            // Raw byte copies, as in `placed(threads:)`.
            let size = MemoryLayout<Voxel>.stride, out = UnsafeMutableRawPointer(buffer.baseAddress!)
            for p in pieces {
                let a = max(range.lowerBound, p.first), b = min(range.upperBound, p.first + p.voxels.count / slice)
                guard a < b else { continue }
                p.voxels.withUnsafeBytes { src in
                    (out + (a - range.lowerBound) * slice * size).copyMemory(from: src.baseAddress! + (a - p.first) * slice * size,
                                                                            byteCount: (b - a) * slice * size)
                }
            }
            initialized = g.voxelCount
        }
        return try! Volume(grid: g, voxels: voxels)
    }

    /// The full volume: the box's voxels in the box, zero elsewhere; slice ranges on up to `threads` threads
    /// (every voxel written once, no zero fill first).
    public func placed(threads: Int = 1) -> Volume<Voxel> {
        let nx = grid.nx, ny = grid.ny, slice = grid.sliceCount, width = columns.count
        let (x0, y0, y1) = (columns.lowerBound, rows.lowerBound, rows.upperBound)
        let voxels = [Voxel](unsafeUninitializedCapacity: grid.voxelCount) { buffer, initialized in
            let out = UncheckedSendable(buffer.baseAddress!)
            withSlicePointers { slices in
                let ranges = max(1, min(threads, grid.nz))
                Concurrent.forEach(ranges, threads: ranges) { r in
                    // Raw byte copies and zero fills (zero is all zero bits for every VoxelScalar): this generic
                    // code is not specialised for the caller's voxel type, and element-wise copies would go through
                    // the type's value witnesses.
                    let size = MemoryLayout<Voxel>.stride
                    for z in (grid.nz * r / ranges)..<(grid.nz * (r + 1) / ranges) {
                        let dst = UnsafeMutableRawPointer(out.value + z &* slice), src = UnsafeRawPointer(slices[z])
                        var done = 0
                        for y in y0..<y1 {
                            let from = y &* nx &+ x0
                            (dst + done &* size).initializeMemory(as: UInt8.self, repeating: 0, count: (from &- done) &* size)
                            (dst + from &* size).copyMemory(from: src + (y &- y0) &* width &* size, byteCount: width &* size)
                            done = from &+ width
                        }
                        (dst + done &* size).initializeMemory(as: UInt8.self, repeating: 0, count: (nx &* ny &- done) &* size)
                    }
                }
            }
            initialized = grid.voxelCount
        }
        return try! Volume(grid: grid, voxels: voxels)
    }
}
