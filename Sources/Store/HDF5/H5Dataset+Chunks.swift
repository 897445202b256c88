import CDeflate
import CHDF5
import CZlib
import Core
#if canImport(Glibc)
import Glibc
#endif

/// Whole-dataset reads and writes of chunked volumes whose filters are exactly shuffle + deflate (the
/// layout ``H5Layout/chunkedCompressed(chunk:)`` creates): the chunks are inflated or deflated on several
/// threads and moved as raw chunks (`H5Dread_chunk` / `H5Dwrite_chunk`). HDF5 runs its filters on the
/// calling thread only. The chunks are coded by libdeflate (about twice zlib's speed both ways) in the
/// format HDF5's own filters write (a zlib stream of the byte-shuffled chunk, zero padded at the
/// dataset's edges), so h5py, h5dump and `H5Dread` read them; the compressed bytes differ from zlib's.
/// Chunks whose voxels are all zero are not stored: readers get the fill value 0 there.
extension H5Dataset {
    /// Threads for chunk coding: the online cores, at most 4.
    static var chunkThreads: Int { max(1, min(4, sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// The chunk dimensions and deflate level when the dataset is rank 3, chunked, and filtered by
    /// exactly shuffle then deflate; nil otherwise (the plain `H5Dread`/`H5Dwrite` path applies).
    func shuffleDeflateChunks() throws -> (chunk: [Int], level: Int32)? {
        let plist = try checkID(H5Dget_create_plist(id), "get creation properties")
        defer { H5Pclose(plist) }
        guard H5Pget_layout(plist) == H5D_CHUNKED, H5Pget_nfilters(plist) == 2 else { return nil }
        var dims = [hsize_t](repeating: 0, count: 3)
        guard H5Pget_chunk(plist, 3, &dims) == 3 else { return nil }
        var level: Int32 = -1
        for index in 0..<2 {
            var flags: UInt32 = 0, count = 1, config: UInt32 = 0
            var values = [UInt32](repeating: 0, count: 1)
            let filter = H5Pget_filter2(plist, UInt32(index), &flags, &count, &values, 0, nil, &config)
            switch (index, filter) {
            case (0, H5Z_FILTER_SHUFFLE): break
            case (1, H5Z_FILTER_DEFLATE): level = count >= 1 ? Int32(values[0]) : 6
            default: return nil
            }
        }
        return (dims.map { Int($0) }, level)
    }

    /// Writes the whole dataset from `values` (the dataspace's element count, z-major) through
    /// parallel deflate when the layout allows it (``shuffleDeflateChunks()``), else with `H5Dwrite`.
    func writeVolume<T: H5Scalar>(_ values: [T], threads: Int = H5Dataset.chunkThreads) throws {
        let shape = try shape()
        guard let (chunk, level) = try shuffleDeflateChunks(), shape.count == 3 else { return try write(values) }
        let grid = ChunkGrid(shape: shape, chunk: chunk, elementSize: MemoryLayout<T>.size)
        guard values.count == grid.elementCount else { throw invalid("\(values.count) values for \(grid.elementCount) elements") }
        try values.withUnsafeBytes { source in
            let sliceBytes = shape[1] * shape[2] * grid.elementSize
            let rows = BoxRows(slices: (0..<shape[0]).map { source.baseAddress! + $0 * sliceBytes }, columns: 0..<shape[2], rows: 0..<shape[1])
            try Self.writeChunks([ChunkWrite(dataset: self, grid: grid, rows: rows, level: level)], threads: threads)
        }
    }

    /// Writes each of `volumes` into its dataset (the volume's `[nz, ny, nx]` is the dataspace) like
    /// ``writeVolume(_:threads:)``, the chunks of all of them coded together: the chunks outside a volume's box
    /// are zero and neither read nor stored; the others are gathered from the box's voxels. The same datasets
    /// as for the placed volumes.
    static func writeVolumes<T: H5Scalar & VoxelScalar>(_ volumes: [(dataset: H5Dataset, volume: BoxedVolume<T>)],
                                                         threads: Int = H5Dataset.chunkThreads) throws {
        var writes: [ChunkWrite?] = []
        for (dataset, volume) in volumes {
            let shape = try dataset.shape(), g = volume.grid
            guard shape == [g.nz, g.ny, g.nx] else { throw dataset.invalid("a \(g.nz)×\(g.ny)×\(g.nx) volume for shape \(shape)") }
            if let (chunk, level) = try dataset.shuffleDeflateChunks() {
                // The rows are set below, once the volumes' storage is pinned.
                writes.append(ChunkWrite(dataset: dataset, grid: ChunkGrid(shape: shape, chunk: chunk, elementSize: MemoryLayout<T>.size),
                                         rows: BoxRows(slices: [], columns: volume.columns, rows: volume.rows), level: level))
            } else {
                try dataset.write(volume.placed().voxels)
                writes.append(nil)
            }
        }
        try BoxedVolume.withSlicePointers(volumes.map(\.volume)) { slices in
            let pinned = zip(writes, slices).compactMap { write, pointers in
                write.map { ChunkWrite(dataset: $0.dataset, grid: $0.grid, rows: BoxRows(slices: pointers.map(UnsafeRawPointer.init),
                                                                                          columns: $0.rows.columns, rows: $0.rows.rows), level: $0.level) }
            }
            try writeChunks(pinned, threads: threads)
        }
    }

    /// Deflates the chunks of `writes` that hold a non-zero element on up to `threads` threads, then stores
    /// them dataset by dataset in chunk order (`H5Dwrite_chunk`); all-zero chunks are not stored (the fill
    /// value 0). Chunks with the same bytes (in any of the datasets; with the same chunk shape, level and element size)
    /// are deflated once: the first of them in order, the others compared byte by byte with it and given its
    /// stream, which is the stream they would get themselves. The output does not depend on `threads`.
    static func writeChunks(_ writes: [ChunkWrite], threads: Int) throws {
        // Chunk g of all: chunk `local[g]` of write `owner[g]`.
        var owner: [Int] = [], local: [Int] = []
        for (w, write) in writes.enumerated() {
            owner += Array(repeating: w, count: write.grid.chunkCount)
            local += Array(0..<write.grid.chunkCount)
        }
        let total = owner.count
        guard total > 0 else { return }
        let largest = writes.map(\.grid.chunkBytes).max()!
        let hashes = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: total)
        hashes.initialize(repeating: 0)
        let stored = UnsafeMutableBufferPointer<Bool>.allocate(capacity: total)
        stored.initialize(repeating: false)
        let encoded = UnsafeMutableBufferPointer<[UInt8]?>.allocate(capacity: total)
        encoded.initialize(repeating: nil)
        let sameAs = UnsafeMutableBufferPointer<Int>.allocate(capacity: total)
        sameAs.initialize(repeating: -1)
        let failed = UnsafeMutableBufferPointer<Bool>.allocate(capacity: total)
        failed.initialize(repeating: false)
        let noCompressor = UnsafeMutableBufferPointer<Bool>.allocate(capacity: max(1, threads))
        noCompressor.initialize(repeating: false)
        defer {
            encoded.deinitialize()
            encoded.deallocate()
            hashes.deallocate()
            stored.deallocate()
            sameAs.deallocate()
            failed.deallocate()
            noCompressor.deallocate()
        }
        let workers = max(1, min(threads, total))
        // 1. Which chunks are stored (a non-zero element; every chunk outside a box is zero), and a hash of each
        //    stored chunk's elements, both found in place in one pass.
        Concurrent.forEach(workers, threads: workers) { worker in
            for g in stride(from: worker, to: total, by: workers) {
                let write = writes[owner[g]]
                guard let h = write.grid.nonZeroHash(chunk: local[g], in: write.rows) else { continue }
                stored[g] = true
                hashes[g] = h
            }
        }
        // 2. The first chunk with each hash (and the same part inside its box, and coding) is the one deflated;
        //    later ones are compared with it.
        struct Key: Hashable { let hash: UInt64, part: [Int], chunk: [Int], elementSize: Int, level: Int32 }
        var first: [Key: Int] = [:]
        for g in 0..<total where stored[g] {
            let write = writes[owner[g]]
            let key = Key(hash: hashes[g], part: write.grid.relativePart(chunk: local[g], in: write.rows), chunk: write.grid.chunk,
                          elementSize: write.grid.elementSize, level: write.level)
            if let f = first[key] { sameAs[g] = f } else { first[key] = g }
        }
        // 3. Deflate the first chunks; a later chunk takes its first chunk's stream when their bytes are equal.
        Concurrent.forEach(workers, threads: workers) { worker in
            var compressors: [Int32: OpaquePointer] = [:]
            defer { compressors.values.forEach { libdeflate_free_compressor($0) } }
            var raw = [UInt8](repeating: 0, count: largest), shuffled = raw
            var packed: [UInt8] = []
            for g in stride(from: worker, to: total, by: workers) where stored[g] {
                let write = writes[owner[g]], grid = write.grid
                if sameAs[g] >= 0 {
                    // Equal parts inside the boxes (the key), so equal chunks when those elements are equal.
                    let f = sameAs[g], reference = writes[owner[f]]
                    if grid.equalElements(chunk: local[g], in: write.rows, as: local[f], of: reference.grid, in: reference.rows) { continue }
                    sameAs[g] = -1   // a hash collision: deflated itself
                }
                raw.withUnsafeMutableBytes { grid.gather(chunk: local[g], from: write.rows, into: $0.baseAddress!) }
                // HDF5 levels are zlib's 0...9; libdeflate takes 0...12 on a zlib-like scale (its own algorithms).
                let level = min(max(write.level, 0), 9)
                if compressors[level] == nil {
                    guard let c = libdeflate_alloc_compressor(level) else { noCompressor[worker] = true; return }
                    compressors[level] = c
                }
                let compressor = compressors[level]!
                let bound = libdeflate_zlib_compress_bound(compressor, grid.chunkBytes)
                if packed.count < bound { packed = [UInt8](repeating: 0, count: bound) }
                grid.shuffle(raw, into: &shuffled)
                let length = packed.withUnsafeMutableBytes { out in
                    (grid.elementSize > 1 ? shuffled : raw).withUnsafeBytes { input in
                        libdeflate_zlib_compress(compressor, input.baseAddress, grid.chunkBytes, out.baseAddress, out.count)
                    }
                }
                // 0: the bound was not enough (cannot happen with libdeflate's own bound).
                if length > 0 { encoded[g] = Array(packed[0..<length]) } else { failed[g] = true }
            }
        }
        if noCompressor.contains(true) { throw writes[0].dataset.invalid("cannot allocate a deflate compressor (out of memory)") }
        if let g = failed.firstIndex(of: true) { throw writes[owner[g]].dataset.invalid("deflate failed for chunk \(writes[owner[g]].grid.origin(local[g]))") }
        // 4. Store the streams, dataset by dataset, in chunk order.
        for g in 0..<total where stored[g] {
            let write = writes[owner[g]], k = local[g]
            guard let bytes = encoded[sameAs[g] >= 0 ? sameAs[g] : g] else { continue }
            var offset = write.grid.origin(k).map { hsize_t($0) }
            try write.dataset.check(bytes.withUnsafeBytes { H5Dwrite_chunk(write.dataset.id, rt_h5p_default(), 0, &offset, $0.count, $0.baseAddress) },
                                    "write chunk at \(write.grid.origin(k))")
        }
    }

    /// Largest chunk (bytes, inflated) ``readVolume(_:limit:zRange:threads:)`` inflates itself: 64 MiB.
    static let maximumInflatedChunkBytes = 64 << 20

    /// Reads the whole dataset as `T` (stored type exactly `T`), or only the slices `zRange` of its first
    /// axis, inflating its chunks in parallel when the layout allows it (``shuffleDeflateChunks()``, every
    /// stored chunk with all filters applied; for a slice range only the chunks that hold those slices);
    /// else with `H5Dread` (a hyperslab for a range). The element count is checked against `limit`
    /// before anything is allocated.
    func readVolume<T: H5Scalar>(_ type: T.Type, limit: Int, zRange: Range<Int>? = nil, threads: Int = H5Dataset.chunkThreads) throws -> [T] {
        let shape = try shape()
        if let zRange, shape.count != 3 || zRange.lowerBound < 0 || zRange.upperBound > shape[0] || zRange.isEmpty {
            throw invalid("requested slices \(zRange) outside 0..<\(shape.first ?? 0)")
        }
        let slices = zRange ?? 0..<(shape.first ?? 0)
        let plain = { zRange == nil ? try self.read(type, limit: limit) : try self.readRows(type, slices, limit: limit) }
        let count = try elementCount(zRange == nil ? shape : [slices.count] + shape.dropFirst(), limit: limit)
        guard count > 0, shape.count == 3, try typeInfo().matches(type), let (chunk, _) = try shuffleDeflateChunks() else {
            return try plain()
        }
        let grid = ChunkGrid(shape: shape, chunk: chunk, elementSize: MemoryLayout<T>.size, slices: slices)
        // Chunks above 64 MiB (HDF5 allows up to 4 GiB): HDF5's own read, not two such buffers per thread.
        guard grid.chunkBytes <= Self.maximumInflatedChunkBytes else { return try plain() }
        // The larger of zlib's and libdeflate's worst case for the chunk's bytes.
        let largestStored = hsize_t(max(Int(compressBound(uLong(grid.chunkBytes))), libdeflate_zlib_compress_bound(nil, grid.chunkBytes)))
        // The raw chunks of the slices, read in order on this thread (nil: not stored, the fill value).
        var stored: [[UInt8]?] = []
        stored.reserveCapacity(grid.chunkCount)
        for k in grid.chunksOfSlices {
            var offset = grid.origin(k).map { hsize_t($0) }
            var size: hsize_t = 0, address: haddr_t = 0
            var mask: UInt32 = 0
            try check(H5Dget_chunk_info_by_coord(id, &offset, &mask, &address, &size), "get chunk info at \(grid.origin(k))")
            // An undefined address: the chunk was never written (the fill value).
            guard address != haddr_t.max else { stored.append(nil); continue }
            guard mask == 0, size > 0 else { return try plain() }
            // Above the deflate bound for the chunk's bytes (a corrupt index, or another deflate library's output):
            // HDF5's own read, not an allocation of whatever the index claims.
            guard size <= largestStored else { return try plain() }
            var bytes = [UInt8](repeating: 0, count: Int(size))
            try check(bytes.withUnsafeMutableBytes { H5Dread_chunk(id, rt_h5p_default(), &offset, &mask, $0.baseAddress) },
                      "read chunk at \(grid.origin(k))")
            guard mask == 0 else { return try plain() }
            stored.append(bytes)
        }
        var fill = [UInt8](repeating: 0, count: grid.elementSize)
        let plist = try checkID(H5Dget_create_plist(id), "get creation properties")
        defer { H5Pclose(plist) }
        try check(fill.withUnsafeMutableBytes { H5Pget_fill_value(plist, T.nativeType, $0.baseAddress) }, "get fill value")
        let failed = UnsafeMutableBufferPointer<Bool>.allocate(capacity: max(1, stored.count))
        failed.initialize(repeating: false)
        let noDecompressor = UnsafeMutableBufferPointer<Bool>.allocate(capacity: max(1, threads))
        noDecompressor.initialize(repeating: false)
        defer {
            failed.deallocate()
            noDecompressor.deallocate()
        }
        let values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            let target = UnsafeMutableRawPointer(buffer.baseAddress!)
            let first = grid.chunksOfSlices.lowerBound
            let workers = max(1, min(threads, stored.count))
            Concurrent.forEach(workers, threads: workers) { worker in
                guard let decompressor = libdeflate_alloc_decompressor() else { noDecompressor[worker] = true; return }
                defer { libdeflate_free_decompressor(decompressor) }
                var raw = [UInt8](repeating: 0, count: grid.chunkBytes), shuffled = raw
                for j in stride(from: worker, to: stored.count, by: workers) {
                    let k = first + j
                    if let bytes = stored[j] {
                        // 1-byte elements inflate straight into the chunk; wider ones into the shuffled buffer.
                        // Success only for a valid zlib stream (checksum included) of exactly the chunk's bytes.
                        func inflate(into out: inout [UInt8]) -> Bool {
                            let status = out.withUnsafeMutableBytes { o in
                                bytes.withUnsafeBytes { libdeflate_zlib_decompress(decompressor, $0.baseAddress, $0.count, o.baseAddress, o.count, nil) }
                            }
                            return status == LIBDEFLATE_SUCCESS
                        }
                        guard grid.elementSize > 1 ? inflate(into: &shuffled) : inflate(into: &raw) else { failed[j] = true; continue }
                        grid.shuffle(shuffled, into: &raw, inverse: true)
                    } else {
                        for i in 0..<grid.chunkBytes { raw[i] = fill[i % grid.elementSize] }
                    }
                    raw.withUnsafeBytes { grid.scatter(chunk: k, from: $0.baseAddress!, into: target) }
                }
            }
            initialized = count
        }
        if noDecompressor.contains(true) { throw invalid("cannot allocate a deflate decompressor (out of memory)") }
        if let j = failed.firstIndex(of: true) { throw invalid("chunk at \(grid.origin(grid.chunksOfSlices.lowerBound + j)) does not inflate to \(grid.chunkBytes) bytes") }
        return values
    }
}

/// One dataset's chunks for ``H5Dataset/writeChunks(_:threads:)``: its chunk grid, its elements and its deflate level.
struct ChunkWrite {
    let dataset: H5Dataset
    let grid: ChunkGrid
    let rows: BoxRows
    let level: Int32
}

/// The elements of a rank-3 dataset that is zero outside an in-plane box (``columns`` × ``rows``, every slice),
/// given by the address of each slice's box elements (the box's rows one after another).
struct BoxRows {
    let slices: [UnsafeRawPointer]
    let columns: Range<Int>, rows: Range<Int>

    /// The address of element (`x`, `y`, `z`), which lies inside the box.
    @inline(__always) func row(z: Int, y: Int, x: Int, elementSize: Int) -> UnsafeRawPointer {
        slices[z] + ((y &- rows.lowerBound) &* columns.count &+ x &- columns.lowerBound) &* elementSize
    }
}

/// The chunks of a rank-3 dataset in row-major order of their origins, and the copies between a
/// chunk buffer (full chunk, zero padded beyond the dataset) and the dataset's z-major elements.
struct ChunkGrid: Sendable {
    let shape: [Int], chunk: [Int], elementSize: Int
    /// Chunks along z, y, x.
    let counts: [Int]
    /// The slices (first axis) that ``scatter(chunk:from:into:)`` writes, to a target that starts at the
    /// range's first slice (all slices unless told otherwise).
    let slices: Range<Int>

    init(shape: [Int], chunk: [Int], elementSize: Int, slices: Range<Int>? = nil) {
        self.shape = shape
        self.chunk = chunk
        self.elementSize = elementSize
        counts = zip(shape, chunk).map { ($0 + $1 - 1) / $1 }
        self.slices = slices ?? 0..<shape[0]
    }

    /// The chunks (in order) that hold any of ``slices``: whole layers of chunks along z.
    var chunksOfSlices: Range<Int> {
        guard !slices.isEmpty else { return 0..<0 }
        let layer = counts[1] * counts[2]
        return (slices.lowerBound / chunk[0] * layer)..<((slices.upperBound - 1) / chunk[0] * layer + layer)
    }

    var chunkCount: Int { counts[0] * counts[1] * counts[2] }
    var elementCount: Int { shape[0] * shape[1] * shape[2] }
    var chunkBytes: Int { chunk[0] * chunk[1] * chunk[2] * elementSize }

    /// Element coordinates `[z, y, x]` of chunk `k`'s first element.
    func origin(_ k: Int) -> [Int] {
        [k / (counts[1] * counts[2]) * chunk[0], k / counts[2] % counts[1] * chunk[1], k % counts[2] * chunk[2]]
    }

    /// Calls `row(chunkOffset, datasetOffset, bytes)` for every row of chunk `k` inside the dataset (byte offsets).
    private func rows(_ k: Int, _ row: (Int, Int, Int) -> Void) {
        let o = origin(k)
        let nz = min(chunk[0], shape[0] - o[0]), ny = min(chunk[1], shape[1] - o[1]), nx = min(chunk[2], shape[2] - o[2])
        for z in 0..<nz {
            for y in 0..<ny {
                let inChunk = (z * chunk[1] + y) * chunk[2]
                let inDataset = ((o[0] + z) * shape[1] + o[1] + y) * shape[2] + o[2]
                row(inChunk * elementSize, inDataset * elementSize, nx * elementSize)
            }
        }
    }

    /// The part of chunk `k` inside both the dataset and the box of `source`: element ranges along z, y, x
    /// (nil when the chunk lies outside the box, i.e. is all zero).
    private func overlap(_ k: Int, _ source: BoxRows) -> (z: Range<Int>, y: Range<Int>, x: Range<Int>)? {
        let o = origin(k)
        let y0 = max(o[1], source.rows.lowerBound), y1 = min(o[1] + chunk[1], shape[1], source.rows.upperBound)
        let x0 = max(o[2], source.columns.lowerBound), x1 = min(o[2] + chunk[2], shape[2], source.columns.upperBound)
        guard y0 < y1, x0 < x1 else { return nil }
        return (o[0]..<min(o[0] + chunk[0], shape[0]), y0..<y1, x0..<x1)
    }

    /// Nil when every element of chunk `k` inside the dataset is zero in `source` (a chunk outside the box is zero
    /// without a read), else a hash of its elements inside the box (read in place, 8 bytes a load; a byte-by-byte
    /// test of a gathered copy took about half of a segmentation result's write). Equal chunks with equal parts
    /// inside their boxes (``relativePart(chunk:in:)``) have equal hashes.
    func nonZeroHash(chunk k: Int, in source: BoxRows) -> UInt64? {
        guard let part = overlap(k, source) else { return nil }
        let rowBytes = part.x.count * elementSize, words = rowBytes / 8
        let row = { (z: Int, y: Int) in source.row(z: z, y: y, x: part.x.lowerBound, elementSize: self.elementSize) }
        // Most chunks in a box are all zero too: found with one OR per 8 bytes, stopping at the first non-zero row.
        var zero = true
        search: for z in part.z {
            for y in part.y {
                let r = row(z, y)
                var any: UInt64 = 0
                for w in 0..<words { any |= r.loadUnaligned(fromByteOffset: w &* 8, as: UInt64.self) }
                for i in (words &* 8)..<rowBytes { any |= UInt64(r.load(fromByteOffset: i, as: UInt8.self)) }
                if any != 0 { zero = false; break search }
            }
        }
        guard !zero else { return nil }
        // Four independent lanes (rotate and xor: one cycle each), mixed at the end.
        var h = SIMD4<UInt64>(0x9E37_79B9_7F4A_7C15, 0xC2B2_AE3D_27D4_EB4F, 0x1656_67B1_9E37_79F9, 0x27D4_EB2F_1656_67C5)
        let quads = words / 4
        for z in part.z {
            for y in part.y {
                let r = row(z, y)
                for q in 0..<quads {
                    let v = r.loadUnaligned(fromByteOffset: q &* 32, as: SIMD4<UInt64>.self)
                    h = ((h &<< 7) | (h &>> 57)) ^ v
                }
                for i in (quads &* 32)..<rowBytes { h[0] = ((h[0] &<< 7) | (h[0] &>> 57)) ^ UInt64(r.load(fromByteOffset: i, as: UInt8.self)) }
            }
        }
        var m: UInt64 = 0
        for lane in 0..<4 {
            m = (m ^ h[lane]) &* 0xFF51_AFD7_ED55_8CCD
            m ^= m &>> 33
        }
        return m
    }

    /// Where chunk `k`'s part inside the dataset and the box of `source` lies in the chunk: first element and
    /// count along z, y, x (empty outside the box).
    func relativePart(chunk k: Int, in source: BoxRows) -> [Int] {
        guard let part = overlap(k, source) else { return [] }
        let o = origin(k)
        return [part.z.lowerBound - o[0], part.z.count, part.y.lowerBound - o[1], part.y.count, part.x.lowerBound - o[2], part.x.count]
    }

    /// True when chunk `k` of `source` and chunk `j` of `other` (on `otherGrid`: the same chunk shape and element
    /// size) hold the same elements in their parts inside the dataset and the box, which lie alike in the chunks
    /// (``relativePart(chunk:in:)``); compared in place.
    func equalElements(chunk k: Int, in source: BoxRows, as j: Int, of otherGrid: ChunkGrid, in other: BoxRows) -> Bool {
        guard let a = overlap(k, source), let b = otherGrid.overlap(j, other), a.x.count == b.x.count, a.y.count == b.y.count,
              a.z.count == b.z.count, elementSize == otherGrid.elementSize, chunk == otherGrid.chunk else { return false }
        let bytes = a.x.count * elementSize
        for (za, zb) in zip(a.z, b.z) {
            for (ya, yb) in zip(a.y, b.y) {
                let p = source.row(z: za, y: ya, x: a.x.lowerBound, elementSize: elementSize)
                let q = other.row(z: zb, y: yb, x: b.x.lowerBound, elementSize: elementSize)
                if memcmp(p, q, bytes) != 0 { return false }
            }
        }
        return true
    }

    /// Chunk `k` of `source` into the chunk buffer `chunkBuffer` (`chunkBytes`), zero beyond the dataset and the box.
    func gather(chunk k: Int, from source: BoxRows, into chunkBuffer: UnsafeMutableRawPointer) {
        guard let part = overlap(k, source) else {
            chunkBuffer.initializeMemory(as: UInt8.self, repeating: 0, count: chunkBytes)
            return
        }
        let o = origin(k)
        if part.z.count < chunk[0] || part.y.count < chunk[1] || part.x.count < chunk[2] {
            chunkBuffer.initializeMemory(as: UInt8.self, repeating: 0, count: chunkBytes)
        }
        for z in part.z {
            for y in part.y {
                let inChunk = ((z - o[0]) * chunk[1] + y - o[1]) * chunk[2] + part.x.lowerBound - o[2]
                (chunkBuffer + inChunk * elementSize).copyMemory(from: source.row(z: z, y: y, x: part.x.lowerBound, elementSize: elementSize),
                                                                 byteCount: part.x.count * elementSize)
            }
        }
    }

    /// The dataset's elements of chunk `k` from the chunk buffer `chunkBuffer` into `target`.
    /// Only the rows of ``slices``, placed relative to its first slice.
    func scatter(chunk k: Int, from chunkBuffer: UnsafeRawPointer, into target: UnsafeMutableRawPointer) {
        let sliceBytes = shape[1] * shape[2] * elementSize
        let lower = slices.lowerBound * sliceBytes, upper = slices.upperBound * sliceBytes
        rows(k) { c, d, n in
            guard d >= lower && d < upper else { return }
            (target + (d - lower)).copyMemory(from: chunkBuffer + c, byteCount: n)
        }
    }

    /// HDF5's shuffle (byte `b` of element `i` goes to `b · elements + i`) or, with `inverse`, its
    /// inverse, from `source` into `target`; nothing to do for 1-byte elements.
    func shuffle(_ source: [UInt8], into target: inout [UInt8], inverse: Bool = false) {
        guard elementSize > 1 else { return }
        let n = chunkBytes / elementSize, s = elementSize
        source.withUnsafeBufferPointer { r in
            target.withUnsafeMutableBufferPointer { o in
                for b in 0..<s {
                    for i in 0..<n {
                        let packed = i &* s &+ b, planar = b &* n &+ i
                        if inverse { o[packed] = r[planar] } else { o[planar] = r[packed] }
                    }
                }
            }
        }
    }
}
